-- A case's deadlines not yet done, kept beside next_due (internal/casework,
-- next.go), so a caseload judges a page of cases on the day it is read
-- without running the clock over each one's packed events. Empty here:
-- casework.Refresh fills every case at start-up, since what is kept has a
-- new version. Portable SQL only: both SQLite and PostgreSQL run this file as
-- it is.

-- +goose Up
ALTER TABLE ehc_cases ADD COLUMN open_deadlines TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE ehc_cases DROP COLUMN open_deadlines;
