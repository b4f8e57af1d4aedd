-- Proposed amendments withdrawn (internal/plan, SEND Regulations 2014 reg
-- 22): the coordinator takes them back before the notice, or, once the
-- family has it, the council decides not to amend the plan after all (reg
-- 22(4)), recorded as the clock's no_amendment_decision (migration 32), whose
-- id is kept here as the notice's is. The version keeps status 'editing' in
-- ehc_plans (its CHECK cannot change on SQLite without rebuilding a table
-- others reference, as 00029 says): withdrawn_at set is what makes it
-- withdrawn, and the plan in force stays the one it would have amended.
-- withdrawn_by is a person's id, kept without a REFERENCES clause so that
-- Down can drop the column on SQLite.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
ALTER TABLE ehc_plan_amendments ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE ehc_plan_amendments ADD COLUMN withdrawn_by TEXT;
ALTER TABLE ehc_plan_amendments ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE ehc_plan_amendments ADD COLUMN decision_event_id TEXT;

-- +goose Down
ALTER TABLE ehc_plan_amendments DROP COLUMN decision_event_id;
ALTER TABLE ehc_plan_amendments DROP COLUMN withdrawn_reason;
ALTER TABLE ehc_plan_amendments DROP COLUMN withdrawn_by;
ALTER TABLE ehc_plan_amendments DROP COLUMN withdrawn_at;
