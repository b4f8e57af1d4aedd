-- Health advice for EHC needs assessments (internal/advice, issue 5): requests
-- in a provider team's queue (never a person's inbox, so nothing is lost when
-- someone leaves), the advice each team returns in the shape of the plan
-- (sections C and G, outcomes, views, the source of every statement), and the
-- Designated Clinical Officer's quality assurance against a rubric held as data.
-- The statutory clock's events (advice_requested, advice_received) live in
-- casework's tables and are written in the same transactions as these rows.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE advice_requests (
    id                 TEXT PRIMARY KEY,
    child_id           TEXT NOT NULL REFERENCES children (id),
    team_id            TEXT NOT NULL REFERENCES organisations (id),  -- the provider team whose queue holds it
    contributor        TEXT NOT NULL,      -- the body's name as the clock's events carry it
    question           TEXT NOT NULL,
    consent            TEXT NOT NULL,      -- how and when the family agreed to the request
    sent_on            DATE NOT NULL,
    received_on        DATE NOT NULL,      -- R3 runs from here (reg 8(1))
    due_on             DATE NOT NULL,      -- R3's due date as internal/ehc gave it; exceptions excuse, never move it
    status             TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'withdrawn')),
    assigned_to        TEXT REFERENCES people (id),
    link_id            TEXT NOT NULL REFERENCES care_team (id),  -- the team's purpose-limited view of the child
    requested_event_id TEXT NOT NULL,
    requested_by       TEXT NOT NULL REFERENCES people (id),
    requested_at       TIMESTAMP NOT NULL,
    withdrawn_by       TEXT REFERENCES people (id),
    withdrawn_at       TIMESTAMP,
    withdrawn_reason   TEXT
);
CREATE INDEX advice_requests_queue ON advice_requests (team_id, status, due_on);
CREATE INDEX advice_requests_child ON advice_requests (child_id);

-- Each submission is a version; a re-submission after feedback adds one and keeps the rest.
CREATE TABLE advice_submissions (
    id                TEXT PRIMARY KEY,
    request_id        TEXT NOT NULL REFERENCES advice_requests (id),
    version           INTEGER NOT NULL,
    reused            BOOLEAN NOT NULL,   -- "already known and sufficient" (reg 6(4)), with the family's agreement
    reuse_agreement   TEXT,
    status            TEXT NOT NULL CHECK (status IN ('awaiting_qa', 'reviewed')),
    received_event_id TEXT,               -- the clock's advice_received, on the first version only
    submitted_by      TEXT NOT NULL REFERENCES people (id),
    submitted_at      TIMESTAMP NOT NULL,
    UNIQUE (request_id, version)
);
CREATE INDEX advice_submissions_status ON advice_submissions (status, submitted_at);

-- The statements of a submission: needs (section C), provision (section G:
-- who, what, how often, for how long), outcomes and views, each with its source.
CREATE TABLE advice_statements (
    submission_id TEXT NOT NULL REFERENCES advice_submissions (id),
    seq           INTEGER NOT NULL,
    section       TEXT NOT NULL CHECK (section IN ('need', 'provision', 'outcome', 'view')),
    body          TEXT NOT NULL,
    who           TEXT,
    how_often     TEXT,
    how_long      TEXT,
    source        TEXT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);

-- PDF reports attached to a version: checked by their first bytes and size, kept
-- with their SHA-256 so a copy can be shown to be the one the team sent.
CREATE TABLE advice_attachments (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES advice_submissions (id),
    name          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BYTEA NOT NULL,      -- a BLOB to SQLite, whatever the name
    uploaded_at   TIMESTAMP NOT NULL
);
CREATE INDEX advice_attachments_submission ON advice_attachments (submission_id);

-- The DCO's rubric: data the partnership can edit; retired criteria stay for old ratings.
CREATE TABLE advice_rubric (
    id          TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    active      BOOLEAN NOT NULL
);
INSERT INTO advice_rubric (id, position, title, description, active) VALUES
    ('needs', 1, 'Needs described', 'The child''s health needs are described clearly and completely, as section C needs them.', TRUE),
    ('provision', 2, 'Provision specific and quantified', 'Each piece of provision says who provides it, what it is, how often and for how long.', TRUE),
    ('outcomes', 3, 'Outcomes', 'The provision works towards outcomes that are specific and can be measured.', TRUE),
    ('jargon', 4, 'Free of jargon', 'The family can understand every statement without a clinician to explain it.', TRUE),
    ('voice', 5, 'Child''s voice', 'The child''s and family''s views are recorded as they were heard.', TRUE),
    ('timeliness', 6, 'Timeliness', 'The advice arrived within 6 weeks of the request (SEND Regulations 2014 reg 8).', TRUE);

CREATE TABLE advice_reviews (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL UNIQUE REFERENCES advice_submissions (id),
    feedback      TEXT NOT NULL,
    reviewed_by   TEXT NOT NULL REFERENCES people (id),
    reviewed_at   TIMESTAMP NOT NULL
);

CREATE TABLE advice_ratings (
    review_id    TEXT NOT NULL REFERENCES advice_reviews (id),
    criterion_id TEXT NOT NULL REFERENCES advice_rubric (id),
    rating       TEXT NOT NULL CHECK (rating IN ('red', 'amber', 'green')),
    PRIMARY KEY (review_id, criterion_id)
);

-- +goose Down
DROP TABLE advice_ratings;
DROP TABLE advice_reviews;
DROP TABLE advice_rubric;
DROP TABLE advice_attachments;
DROP TABLE advice_statements;
DROP TABLE advice_submissions;
DROP TABLE advice_requests;
