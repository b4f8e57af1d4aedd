-- Amending an EHC plan (internal/plan, issue 4 point 4; SEND Regulations 2014
-- reg 22): a version of ehc_plans (kind 'final', status 'editing') holds the
-- proposed amendments, copied from the final plan it amends; this row says
-- which plan it amends and why, and, once the family is sent the notice, the
-- clock's amendment_notice event, how it was sent and when it counts as
-- received. Issued, the version is the final amended plan (status 'issued',
-- issued_event_id the clock's amended_plan_issued). A row of its own rather
-- than a new kind: SQLite cannot change ehc_plans' CHECK constraints without
-- rebuilding a table that others reference.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE ehc_plan_amendments (
    plan_id          TEXT PRIMARY KEY REFERENCES ehc_plans (id),
    amends_id        TEXT NOT NULL REFERENCES ehc_plans (id),
    reason           TEXT NOT NULL,           -- why the plan is to be amended
    notice_event_id  TEXT,                    -- the clock's amendment_notice: its date is the notice's
    notice_method    TEXT,                    -- how the family was sent the notice
    notice_deemed_on DATE,                    -- when the family is deemed to have received it
    notice_by        TEXT REFERENCES people (id),
    notice_at        TIMESTAMP
);
CREATE INDEX ehc_plan_amendments_amends ON ehc_plan_amendments (amends_id);

-- +goose Down
DROP TABLE ehc_plan_amendments;
