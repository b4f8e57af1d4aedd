-- Editors' changes to the Local Offer's taxonomies (issue 6, point 8;
-- internal/offer/taxonomy) and the review reminders sent to providers
-- (issue 6, point 3; internal/offer/remind).
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up

-- A retired term is never deleted: services tagged with it keep the tag and
-- its ORUK id stays resolvable, but it is offered for no new tagging and no
-- public filter, and the ORUK lists leave it out.
ALTER TABLE offer_taxonomy_terms ADD COLUMN retired_at TIMESTAMP;

-- One row per change an editor made to a term, in the change's transaction.
-- before_json and after_json are the term as it was and as it became (the
-- fields an editor sees); before_json is NULL for a new term. changed_by_name
-- is kept as it was, so the history reads the same after a person leaves.
CREATE TABLE offer_taxonomy_term_changes (
    id               TEXT PRIMARY KEY,
    term_id          TEXT NOT NULL REFERENCES offer_taxonomy_terms (id),
    action           TEXT NOT NULL CHECK (action IN ('added', 'changed', 'moved', 'retired', 'restored')),
    before_json      TEXT,
    after_json       TEXT NOT NULL,
    changed_by       TEXT NOT NULL REFERENCES people (id),
    changed_by_name  TEXT NOT NULL,
    changed_at       TIMESTAMP NOT NULL
);
CREATE INDEX offer_taxonomy_term_changes_term ON offer_taxonomy_term_changes (term_id, changed_at);
CREATE INDEX offer_taxonomy_term_changes_person ON offer_taxonomy_term_changes (changed_by);

-- The review reminders sent: at most one of each kind per service and
-- review-by date (one review cycle), so the key itself makes a second run,
-- or a second instance, send nothing new. kind: due (two weeks before the
-- review-by date), overdue (after it). recipients is how many emails went.
CREATE TABLE offer_review_reminders (
    service_id  TEXT NOT NULL REFERENCES offer_services (id),
    review_by   DATE NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('due', 'overdue')),
    sent_at     TIMESTAMP NOT NULL,
    recipients  INTEGER NOT NULL,
    PRIMARY KEY (service_id, review_by, kind)
);

-- +goose Down
DROP TABLE offer_review_reminders;
DROP TABLE offer_taxonomy_term_changes;
ALTER TABLE offer_taxonomy_terms DROP COLUMN retired_at;
