-- The EHC workflow around the clock (issue 4): requests made online, decision
-- letters with appeal rights and how each was served, and the mediation and
-- tribunal steps that follow a letter. Owned by internal/casework. The
-- clock's own events stay in ehc_events; accepting a request adds its
-- request_received event there in the same transaction.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE ehc_requests (
    id                TEXT PRIMARY KEY,
    child_id          TEXT NOT NULL REFERENCES children (id),
    team_id           TEXT NOT NULL REFERENCES organisations (id),  -- the coordinating council team it lands with
    source            TEXT NOT NULL CHECK (source IN ('parent', 'young_person', 'setting', 'health', 'social_care', 'other')),
    reasons           TEXT NOT NULL,                                -- in the words of the person asking
    made_by           TEXT NOT NULL REFERENCES people (id),
    made_at           TIMESTAMP NOT NULL,
    received_on       DATE NOT NULL,                                -- the day the council received it: the clock runs from here
    consent_given_by  TEXT,                                         -- a professional's request: who in the family agreed
    consent_given_on  DATE,
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'accepted')),
    event_id          TEXT REFERENCES ehc_events (id),              -- the request_received event, once accepted
    accepted_by       TEXT REFERENCES people (id),
    accepted_at       TIMESTAMP
);
CREATE INDEX ehc_requests_child ON ehc_requests (child_id, status);
CREATE INDEX ehc_requests_team ON ehc_requests (team_id, status);

CREATE TABLE ehc_letters (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children (id),
    case_id       TEXT NOT NULL REFERENCES ehc_cases (id),
    event_id      TEXT NOT NULL UNIQUE REFERENCES ehc_events (id),  -- the decision it notifies
    kind          TEXT NOT NULL CHECK (kind IN ('refuse_assessment', 'no_plan', 'final_plan', 'amended_plan', 'cease')),
    decision_on   DATE NOT NULL,      -- the date of the decision notice: the appeal period runs from here
    reasons       TEXT NOT NULL,
    adviser       TEXT NOT NULL,      -- the mediation adviser's name and contact details
    method        TEXT NOT NULL CHECK (method IN ('email', 'post', 'portal', 'hand')),
    sent_at       TIMESTAMP NOT NULL,
    deemed_on     DATE NOT NULL,      -- deemed received (CPR 6.26, internal/appeal)
    issued_by     TEXT NOT NULL REFERENCES people (id),
    issued_at     TIMESTAMP NOT NULL
);
CREATE INDEX ehc_letters_child ON ehc_letters (child_id);

CREATE TABLE ehc_disputes (
    id           TEXT PRIMARY KEY,
    letter_id    TEXT NOT NULL REFERENCES ehc_letters (id),
    child_id     TEXT NOT NULL REFERENCES children (id),
    seq          INTEGER NOT NULL,
    step         TEXT NOT NULL CHECK (step IN ('adviser_contacted', 'mediation_held', 'certificate_issued', 'appeal_registered',
                     'hearing', 'tribunal_decision')),
    step_date    DATE NOT NULL,
    outcome      TEXT,               -- adviser: wants_mediation, declined; mediation: agreed, partly_agreed, not_agreed; decision: the order's kind (internal/appeal)
    note         TEXT,
    recorded_by  TEXT NOT NULL REFERENCES people (id),
    recorded_at  TIMESTAMP NOT NULL,
    UNIQUE (letter_id, seq)
);
CREATE INDEX ehc_disputes_child ON ehc_disputes (child_id);

-- +goose Down
DROP TABLE ehc_disputes;
DROP TABLE ehc_letters;
DROP TABLE ehc_requests;
