-- Issue 7's pages. A family telling the team that runs a waiting list that their child's
-- circumstances changed (issue 7): it lands with the team, on the child's
-- referral, and staff see it on the child's waiting-list history. The text is
-- the family's own words; who sent it and when are kept with it.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE waitlist_messages (
    id           TEXT PRIMARY KEY,
    referral_id  TEXT NOT NULL REFERENCES waitlist_referrals (id),
    sent_by      TEXT NOT NULL REFERENCES people (id),
    body         TEXT NOT NULL,
    sent_at      TIMESTAMP NOT NULL
);
CREATE INDEX waitlist_messages_referral ON waitlist_messages (referral_id, sent_at);

-- Where each referral's clock stands once all its events have happened
-- (waiting, stopped or nullified) and the day its current clock started: the
-- order of the list (longest first is earliest clock_start) and its breach and
-- band filters, so a page of a long list is read in index order and counted
-- with the index. They are kept in the same transaction as each event, from
-- the engine; the page still measures its rows with the engine, and a NULL
-- status (a row from before this migration) makes the list measure in Go.
ALTER TABLE waitlist_referrals ADD COLUMN wait_status TEXT;
ALTER TABLE waitlist_referrals ADD COLUMN clock_start DATE;
CREATE INDEX waitlist_referrals_queue ON waitlist_referrals (pathway_id, wait_status, clock_start, received_on, id);

-- +goose Down
DROP INDEX waitlist_referrals_queue;
ALTER TABLE waitlist_referrals DROP COLUMN clock_start;
ALTER TABLE waitlist_referrals DROP COLUMN wait_status;
DROP TABLE waitlist_messages;
