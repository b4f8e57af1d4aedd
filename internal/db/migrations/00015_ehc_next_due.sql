-- The caseload's order (issue 4): each case's next statutory date, so a page
-- of cases is read in order and only its rows go through the clock.
-- next_due is a cache of the clock's answer (the earliest due date among the
-- deadlines not yet done, NULL when none), rewritten in the transaction of
-- every event, as the packed clock is. Due dates depend on the events and the
-- rulebook alone, never on today, so it cannot go stale with time; when the
-- rulebook or the clock changes, `casework.Refresh` recomputes it at start-up
-- and records which rulebook it used in derived_versions.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
ALTER TABLE ehc_cases ADD COLUMN next_due DATE;

-- What computed a derived column, by name: a start-up compares it with the
-- running code's and recomputes on a difference.
CREATE TABLE derived_versions (
    name     TEXT PRIMARY KEY,
    version  TEXT NOT NULL
);

-- +goose Down
DROP TABLE derived_versions;
ALTER TABLE ehc_cases DROP COLUMN next_due;
