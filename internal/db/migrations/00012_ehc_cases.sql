-- The statutory EHC process (issue 4): one case per child, held by a
-- coordinating team, and its dated events as the clock (internal/ehc) reads
-- them. Deadlines are never stored: they are computed from the events each
-- time, so the web, the CLI and the dashboards cannot disagree.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE ehc_cases (
    id          TEXT PRIMARY KEY,
    child_id    TEXT NOT NULL UNIQUE REFERENCES children (id),
    team_id     TEXT NOT NULL REFERENCES organisations (id),  -- the coordinating team
    opened_on   DATE NOT NULL,                                 -- the first request, or the council becoming responsible
    -- Where the case stands (casework.StageOf the events), kept with every
    -- event so lists can show and filter it without reading the history.
    stage       TEXT NOT NULL CHECK (stage IN ('requested', 'assessing', 'not_assessed', 'draft', 'plan', 'no_plan', 'ceased')),
    -- The events below as the clock reads them, packed in one text
    -- (casework/pack.go) and rewritten with every event in the same
    -- transaction: a caseload reads one row a case, not every event.
    clock       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX ehc_cases_team ON ehc_cases (team_id, stage);

CREATE TABLE ehc_events (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES ehc_cases (id),
    seq           INTEGER NOT NULL,   -- the order it was recorded in, from 1
    type          TEXT NOT NULL CHECK (type IN ('request_received', 'la_responsible', 'assessment_decision', 'advice_requested',
                      'advice_received', 'no_plan_decision', 'draft_plan_issued', 'final_plan_issued', 'exception',
                      'review_meeting', 'review_report_sent', 'review_decision', 'amendment_notice',
                      'amended_plan_issued', 'phase_transfer')),
    event_date    DATE NOT NULL,      -- the day it happened; an exception's first day
    end_date      DATE,               -- an exception's last day, while known
    received_on   DATE,               -- the day a body received an advice request
    code          TEXT,               -- source, outcome, reason or kind (the clock's coded field)
    contributor   TEXT,               -- the body asked for advice, or whose appointment was missed
    channel       TEXT CHECK (channel IN ('letter', 'phone', 'email', 'in_person', 'online')),  -- how a request arrived
    note          TEXT,               -- reasons for a decision, evidence for an exception
    recorded_by   TEXT NOT NULL REFERENCES people (id),
    recorded_at   TIMESTAMP NOT NULL,
    UNIQUE (case_id, seq)
);

-- +goose Down
DROP TABLE ehc_events;
DROP TABLE ehc_cases;
