-- The core model: the partnership, its organisations, people, and the
-- children and young people (0-25) it serves with their families.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up
CREATE TABLE partnership (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    area        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('council', 'council_team', 'icb', 'nhs_provider', 'nhs_team',
                                              'school', 'college', 'early_years', 'voluntary')),
    name        TEXT NOT NULL,
    parent_id   TEXT REFERENCES organisations (id),
    phase       TEXT CHECK (phase IN ('nursery', 'primary', 'secondary', 'all_through', 'special', 'post16', 'alternative')),
    urn         TEXT UNIQUE,  -- schools and early-years settings (6 digits)
    ukprn       TEXT UNIQUE,  -- colleges and training providers (8 digits)
    ods_code    TEXT UNIQUE,  -- NHS organisations
    email       TEXT,
    phone       TEXT,
    postcode    TEXT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX organisations_kind ON organisations (kind, name);
CREATE INDEX organisations_parent ON organisations (parent_id);

CREATE TABLE people (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('staff', 'parent_carer', 'young_person')),
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    email           TEXT UNIQUE,
    phone           TEXT,
    organisation_id TEXT REFERENCES organisations (id),
    job_title       TEXT,
    created_at      TIMESTAMP NOT NULL,
    CHECK (kind <> 'staff' OR organisation_id IS NOT NULL)
);
CREATE INDEX people_organisation ON people (organisation_id);

CREATE TABLE children (
    id             TEXT PRIMARY KEY,
    given_name     TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    date_of_birth  DATE NOT NULL,
    nhs_number     TEXT UNIQUE,
    upn            TEXT UNIQUE,
    uln            TEXT UNIQUE,
    postcode       TEXT,
    setting_id     TEXT REFERENCES organisations (id),
    sen_provision  TEXT NOT NULL CHECK (sen_provision IN ('none', 'sen_support', 'ehc_plan')),
    primary_need   TEXT CHECK (primary_need IN ('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI',
                                                'MSI', 'PD', 'ASD', 'DS', 'OTH')),
    -- set when the young person has their own account (and, from 16, makes their own decisions)
    person_id      TEXT UNIQUE REFERENCES people (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX children_setting ON children (setting_id);
CREATE INDEX children_provision ON children (sen_provision, primary_need);
CREATE INDEX children_name ON children (family_name, given_name);

CREATE TABLE family_links (
    child_id                 TEXT NOT NULL REFERENCES children (id),
    person_id                TEXT NOT NULL REFERENCES people (id),
    relationship             TEXT NOT NULL CHECK (relationship IN ('mother', 'father', 'parent', 'step_parent',
                                 'grandparent', 'foster_carer', 'special_guardian', 'other_relative', 'other_carer')),
    parental_responsibility  BOOLEAN NOT NULL,
    lives_with_child         BOOLEAN NOT NULL,
    PRIMARY KEY (child_id, person_id)
);
CREATE INDEX family_links_person ON family_links (person_id);

-- +goose Down
DROP TABLE family_links;
DROP TABLE children;
DROP TABLE people;
DROP TABLE organisations;
DROP TABLE partnership;
