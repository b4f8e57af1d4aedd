-- Who may see what: roles held with a scope, the care team that links people,
-- teams and organisations to a child with a reason, consent to share, and the
-- sessions of signed-in people.

-- +goose Up
ALTER TABLE people ADD COLUMN disabled_at TIMESTAMP;

-- From this date the young person, not their parents, makes the decisions
-- (Children and Families Act 2014: from the end of compulsory school age).
ALTER TABLE children ADD COLUMN young_person_decides_from DATE;

CREATE TABLE role_grants (
    person_id   TEXT NOT NULL REFERENCES people (id),
    role        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('own', 'team', 'organisation', 'partnership')),
    granted_by  TEXT NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, role)
);

CREATE TABLE consents (
    id               TEXT PRIMARY KEY,
    child_id         TEXT NOT NULL REFERENCES children (id),
    given_by         TEXT NOT NULL REFERENCES people (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    information      TEXT NOT NULL,  -- the kinds of information, e.g. 'education,health'
    purpose          TEXT NOT NULL,
    evidence         TEXT NOT NULL,  -- how it was given: signed form, recorded call…
    given_at         TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP,
    withdrawn_at     TIMESTAMP,
    withdrawn_by     TEXT
);
CREATE INDEX consents_child ON consents (child_id);

CREATE TABLE care_team (
    id               TEXT PRIMARY KEY,
    child_id         TEXT NOT NULL REFERENCES children (id),
    person_id        TEXT REFERENCES people (id),
    organisation_id  TEXT REFERENCES organisations (id),
    reason           TEXT NOT NULL CHECK (reason IN ('owner', 'allocated', 'referral', 'consent_share', 'safeguarding', 'break_glass')),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'ended')),
    purpose          TEXT NOT NULL,
    granted_by       TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP,
    consent_id       TEXT REFERENCES consents (id),
    lawful_basis     TEXT,  -- safeguarding shares: the law relied on
    note             TEXT,  -- handover notes, break-glass reasons
    CHECK ((person_id IS NULL) <> (organisation_id IS NULL)),
    CHECK (reason <> 'consent_share' OR consent_id IS NOT NULL),
    CHECK (reason <> 'safeguarding' OR (lawful_basis IS NOT NULL AND note IS NOT NULL)),
    CHECK (reason <> 'break_glass' OR (note IS NOT NULL AND ends_at IS NOT NULL))
);
CREATE INDEX care_team_person ON care_team (person_id, child_id);
CREATE INDEX care_team_organisation ON care_team (organisation_id, child_id);
CREATE INDEX care_team_child ON care_team (child_id);

-- Alerts for managers: break-glass use and safeguarding shares are reported.
CREATE TABLE access_alerts (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    kind             TEXT NOT NULL CHECK (kind IN ('break_glass', 'safeguarding')),
    care_team_id     TEXT NOT NULL REFERENCES care_team (id),
    raised_at        TIMESTAMP NOT NULL,
    reviewed_by      TEXT,
    reviewed_at      TIMESTAMP
);

CREATE TABLE sessions (
    secret_hash          TEXT PRIMARY KEY,  -- SHA-256 of the cookie's secret; the secret itself is never stored
    person_id            TEXT NOT NULL REFERENCES people (id),
    created_at           TIMESTAMP NOT NULL,
    last_seen_at         TIMESTAMP NOT NULL,
    idle_expires_at      TIMESTAMP NOT NULL,
    absolute_expires_at  TIMESTAMP NOT NULL,
    signed_in_with       TEXT NOT NULL,     -- oidc, password, demo
    user_agent           TEXT NOT NULL,
    ended_at             TIMESTAMP,
    ended_reason         TEXT
);
CREATE INDEX sessions_person ON sessions (person_id, ended_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE access_alerts;
DROP TABLE care_team;
DROP TABLE consents;
DROP TABLE role_grants;
ALTER TABLE children DROP COLUMN young_person_decides_from;
ALTER TABLE people DROP COLUMN disabled_at;
