-- A family telling the team that runs a waiting list that their child's
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

-- +goose Down
DROP TABLE waitlist_messages;
