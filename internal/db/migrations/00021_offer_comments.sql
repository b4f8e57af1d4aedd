-- Families' comments on the Local Offer (issue 6, point 4; internal/offer/comments).
-- The SEND Regulations 2014 (reg 56 and Schedule 2) and the Children and
-- Families Act 2014 s30(6) require the local authority to seek comments on its
-- Local Offer and to publish them with its response: "you said, we did".
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up

-- One row per comment. service_id is the entry it is about, or NULL for the
-- Local Offer as a whole; service_name is kept as it was then, so a comment
-- outlives the entry being withdrawn or renamed (no foreign key for that reason).
-- status: new (waiting for an editor), addressed (answered; response is
-- what is published), not_published (closed with reason, never shown).
-- email is only for replying and is never published; publish is 1 when the
-- person agreed to their words being published without their name.
CREATE TABLE offer_comments (
    id               TEXT PRIMARY KEY,
    service_id       TEXT,
    service_name     TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('comment', 'problem', 'complaint', 'suggestion')),
    words            TEXT NOT NULL,
    email            TEXT,
    publish          INTEGER NOT NULL CHECK (publish IN (0, 1)),
    status           TEXT NOT NULL CHECK (status IN ('new', 'addressed', 'not_published')),
    received_at      TIMESTAMP NOT NULL,
    response         TEXT,
    reason           TEXT,
    decided_by       TEXT REFERENCES people (id),
    decided_by_name  TEXT,
    decided_at       TIMESTAMP
);
CREATE INDEX offer_comments_status ON offer_comments (status, received_at);

-- +goose Down
DROP TABLE offer_comments;
