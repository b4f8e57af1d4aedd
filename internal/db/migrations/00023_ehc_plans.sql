-- EHC plan documents (internal/plan, issue 4 point 3): each version of a
-- child's plan (draft 1, 2..., then the final plan) with its sections A-K as
-- rows, the family's comments on an issued draft, the settings the family asks
-- to be named and the council's consultation of each. The statutory clock's
-- events (draft_plan_issued, final_plan_issued) live in casework's tables and
-- are written in the same transactions as these rows.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE ehc_plans (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children (id),
    case_id         TEXT NOT NULL REFERENCES ehc_cases (id),
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('draft', 'final')),
    status          TEXT NOT NULL CHECK (status IN ('editing', 'issued')),
    placement_type  TEXT,                    -- section I: the type of school or other institution
    setting_id      TEXT REFERENCES organisations (id),  -- section I: the one named (never in a draft, reg 13)
    issued_on       DATE,
    issued_event_id TEXT,                    -- the clock's draft_plan_issued or final_plan_issued
    method          TEXT,                    -- how the family was sent it
    deemed_on       DATE,                    -- when the family is deemed to have received it
    created_by      TEXT NOT NULL REFERENCES people (id),
    created_at      TIMESTAMP NOT NULL,
    issued_by       TEXT REFERENCES people (id),
    issued_at       TIMESTAMP,
    UNIQUE (case_id, version)
);
CREATE INDEX ehc_plans_child ON ehc_plans (child_id, version);

-- A section's rows: a paragraph (A-D, J), an outcome (E: by when, the steps),
-- provision (F, G, H1, H2: what, who, how often, for how long) or advice (K: who, when).
CREATE TABLE ehc_plan_items (
    plan_id   TEXT NOT NULL REFERENCES ehc_plans (id),
    section   TEXT NOT NULL CHECK (section IN ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'J', 'K')),
    seq       INTEGER NOT NULL,
    body      TEXT NOT NULL,
    who       TEXT,
    how_often TEXT,
    how_long  TEXT,
    by_when   DATE,
    steps     TEXT,
    given_on  DATE,
    source    TEXT,                          -- where a row came from: "From the ... advice, 3 March 2026"
    PRIMARY KEY (plan_id, section, seq)
);

-- The family's comments on an issued draft, section by section (reg 13(1), R5).
CREATE TABLE ehc_plan_comments (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES ehc_plans (id),
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ehc_plan_comments_plan ON ehc_plan_comments (plan_id, created_at);

-- A setting the family asks to be named (CFA 2014 s38-39), and the council's
-- consultation of it: sent, response due, the response.
CREATE TABLE ehc_plan_settings (
    id             TEXT PRIMARY KEY,
    plan_id        TEXT NOT NULL REFERENCES ehc_plans (id),
    setting_id     TEXT NOT NULL REFERENCES organisations (id),
    reason         TEXT NOT NULL,
    requested_by   TEXT NOT NULL REFERENCES people (id),
    requested_at   TIMESTAMP NOT NULL,
    consulted_on   DATE,
    response_due   DATE,
    response       TEXT,
    responded_on   DATE,
    recorded_by    TEXT REFERENCES people (id),
    UNIQUE (plan_id, setting_id)
);

-- +goose Down
DROP TABLE ehc_plan_settings;
DROP TABLE ehc_plan_comments;
DROP TABLE ehc_plan_items;
DROP TABLE ehc_plans;
