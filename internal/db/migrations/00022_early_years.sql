-- Early-years notifications (issue 5, point 6; internal/earlyyears).
-- Children and Families Act 2014 s23: an NHS body that thinks a child under
-- compulsory school age has, or probably has, special educational needs must
-- tell the local authority, after telling the parent (s23(2)) and giving them
-- the chance to discuss it (s23(3)); it tells the parent of any voluntary
-- organisation that could help (s23(4)).
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up

-- One row per notification. team_id is the health team that made it and
-- provider_id its NHS body (the DCO's totals are by provider); council_id is
-- the local authority told. status: open (not yet acknowledged),
-- acknowledged (the council has it), closed (what the council did is recorded).
-- A child has at most one notification not closed from the same body (the
-- duplicate rule is checked in the transaction that writes it).
CREATE TABLE early_years_notifications (
    id                      TEXT PRIMARY KEY,
    child_id                TEXT NOT NULL REFERENCES children (id),
    council_id              TEXT NOT NULL REFERENCES organisations (id),
    team_id                 TEXT NOT NULL REFERENCES organisations (id),
    provider_id             TEXT NOT NULL REFERENCES organisations (id),
    notified_by             TEXT NOT NULL REFERENCES people (id),
    notified_on             DATE NOT NULL,
    needs                   TEXT NOT NULL,
    parent_informed_on      DATE NOT NULL,
    parent_informed_how     TEXT NOT NULL,
    parent_wants_discussion BOOLEAN NOT NULL,
    voluntary_suggested     TEXT,
    status                  TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
    acknowledged_on         DATE,
    acknowledged_by         TEXT REFERENCES people (id),
    closed_by               TEXT REFERENCES people (id),
    closed_at               TIMESTAMP,
    created_at              TIMESTAMP NOT NULL,
    CHECK (parent_informed_on <= notified_on)
);
CREATE INDEX early_years_queue ON early_years_notifications (council_id, status, notified_on);
CREATE INDEX early_years_child ON early_years_notifications (child_id, provider_id, status);

-- What the council did: one row per action. ehc_request_id names the online
-- EHC request when an assessment was requested through joinedup (no foreign
-- key: a request made on paper has none); note is the reason for no_action
-- and what was given otherwise.
CREATE TABLE early_years_outcomes (
    notification_id  TEXT NOT NULL REFERENCES early_years_notifications (id),
    outcome          TEXT NOT NULL CHECK (outcome IN ('advice_given', 'early_years_support', 'assessment_requested', 'no_action')),
    note             TEXT,
    ehc_request_id   TEXT,
    PRIMARY KEY (notification_id, outcome)
);

-- +goose Down
DROP TABLE early_years_outcomes;
DROP TABLE early_years_notifications;
