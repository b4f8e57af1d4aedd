-- The waiting list's count (issue 7) tests each child waiting on a pathway
-- against the access predicate. With the child in the list's index the count
-- is read from the index alone, without a visit to the table for every
-- referral (about a fifth of the count's work on a 3,000-child list).
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
DROP INDEX waitlist_referrals_queue;
CREATE INDEX waitlist_referrals_queue ON waitlist_referrals (pathway_id, wait_status, clock_start, received_on, id, child_id);

-- +goose Down
DROP INDEX waitlist_referrals_queue;
CREATE INDEX waitlist_referrals_queue ON waitlist_referrals (pathway_id, wait_status, clock_start, received_on, id);
