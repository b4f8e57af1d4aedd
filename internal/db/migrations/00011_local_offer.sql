-- The Local Offer directory (internal/offer): the core of Open Referral UK 3.0
-- (HSDS 3.0 with the UK profile), the tables its API (internal/oruk) reads.
-- Every id is a UUID, as HSDS requires. Field names follow HSDS so an import or
-- export maps one to one; a few columns are ours (keywords, summary, last_checked).
--
-- These tables hold the approved, live directory and nothing else. Moderation
-- (a later increment of issue 6) fits beside them without changing them: a
-- provider's edit becomes a row in offer_service_drafts holding the whole
-- edited service as an ORUK JSON document, with its author, status and the
-- editor's comments, while the rows here stay as they are and stay live.
-- Approving applies the draft to these tables in one transaction and appends
-- the document to offer_service_versions (service, version number, who, when),
-- so the history is a list of documents to diff and the API never sees an
-- unapproved edit.
--
-- Search is each database's own full-text index over name, keywords and
-- description: an FTS5 external-content table kept in sync by triggers on
-- SQLite, a generated tsvector with a GIN index on PostgreSQL. The "-- dialect"
-- markers keep each part for its database (internal/db/dialectsql.go).

-- +goose Up
CREATE TABLE offer_organizations (
    id                      TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    description             TEXT NOT NULL,
    email                   TEXT,
    website                 TEXT,
    logo                    TEXT,
    uri                     TEXT,
    parent_organization_id  TEXT REFERENCES offer_organizations (id),
    last_modified           TIMESTAMP NOT NULL
);

CREATE TABLE offer_services (
-- dialect sqlite
    -- FTS5 finds rows by an integer rowid; an INTEGER PRIMARY KEY is the
    -- only rowid VACUUM cannot renumber.
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
-- dialect postgres
    id               TEXT PRIMARY KEY,
-- dialect end
    organization_id  TEXT NOT NULL REFERENCES offer_organizations (id),
    name             TEXT NOT NULL,
    description      TEXT,
    url              TEXT,
    email            TEXT,
    status           TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
    fees             TEXT,
    accreditations   TEXT,
    minimum_age      INTEGER CHECK (minimum_age >= 0),
    maximum_age      INTEGER CHECK (maximum_age >= 0),
    assured_date     DATE,
    assurer_email    TEXT,
    alert            TEXT,
    -- words a search should find besides name and description: the
    -- organisation, the service's taxonomy terms, the towns it runs in
    keywords         TEXT NOT NULL DEFAULT '',
    -- the service as ORUK lists it (one-to-one fields and organisation), as
    -- JSON written with the service: a list then reads one column a row
    -- instead of twenty and encodes nothing. Whatever writes a service or
    -- its organisation writes this too.
    summary          TEXT NOT NULL,
    last_modified    TIMESTAMP NOT NULL,
    -- when the provider last confirmed the entry is right (staleness report)
    last_checked     TIMESTAMP NOT NULL,
    CHECK (minimum_age IS NULL OR maximum_age IS NULL OR minimum_age <= maximum_age)
-- dialect postgres
    ,
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', name), 'A') ||
                         setweight(to_tsvector('english', keywords), 'B') ||
                         setweight(to_tsvector('english', coalesce(description, '')), 'C')) STORED
-- dialect end
);
CREATE INDEX offer_services_organization ON offer_services (organization_id);
CREATE INDEX offer_services_name ON offer_services (name, id);
CREATE INDEX offer_services_modified ON offer_services (last_modified);
CREATE INDEX offer_services_checked ON offer_services (last_checked);

-- dialect sqlite
CREATE VIRTUAL TABLE offer_services_fts USING fts5 (
    name, keywords, description,
    content = 'offer_services', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- +goose StatementBegin
CREATE TRIGGER offer_services_fts_insert AFTER INSERT ON offer_services BEGIN
    INSERT INTO offer_services_fts (rowid, name, keywords, description)
    VALUES (new.seq, new.name, new.keywords, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offer_services_fts_delete AFTER DELETE ON offer_services BEGIN
    INSERT INTO offer_services_fts (offer_services_fts, rowid, name, keywords, description)
    VALUES ('delete', old.seq, old.name, old.keywords, old.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offer_services_fts_update AFTER UPDATE OF name, keywords, description ON offer_services BEGIN
    INSERT INTO offer_services_fts (offer_services_fts, rowid, name, keywords, description)
    VALUES ('delete', old.seq, old.name, old.keywords, old.description);
    INSERT INTO offer_services_fts (rowid, name, keywords, description)
    VALUES (new.seq, new.name, new.keywords, new.description);
END;
-- +goose StatementEnd
-- dialect postgres
CREATE INDEX offer_services_search ON offer_services USING GIN (search);
-- dialect end

CREATE TABLE offer_locations (
    id                        TEXT PRIMARY KEY,
    location_type             TEXT NOT NULL CHECK (location_type IN ('physical', 'postal', 'virtual')),
    name                      TEXT,
    description               TEXT,
    latitude                  DOUBLE PRECISION CHECK (latitude BETWEEN -90 AND 90),
    longitude                 DOUBLE PRECISION CHECK (longitude BETWEEN -180 AND 180),
    external_identifier       TEXT,
    external_identifier_type  TEXT,
    last_modified             TIMESTAMP NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);
-- distance searches first narrow to a box of latitudes
CREATE INDEX offer_locations_latitude ON offer_locations (latitude, longitude);

CREATE TABLE offer_addresses (
    id              TEXT PRIMARY KEY,
    location_id     TEXT NOT NULL REFERENCES offer_locations (id),
    attention       TEXT,
    address_1       TEXT NOT NULL,
    address_2       TEXT,
    city            TEXT NOT NULL,
    region          TEXT,
    state_province  TEXT NOT NULL,
    postal_code     TEXT NOT NULL,
    country         TEXT NOT NULL,
    address_type    TEXT NOT NULL CHECK (address_type IN ('physical', 'postal', 'virtual'))
);
CREATE INDEX offer_addresses_location ON offer_addresses (location_id);

CREATE TABLE offer_accessibility (
    id           TEXT PRIMARY KEY,
    location_id  TEXT NOT NULL REFERENCES offer_locations (id),
    description  TEXT,
    details      TEXT,
    url          TEXT
);
CREATE INDEX offer_accessibility_location ON offer_accessibility (location_id);

CREATE TABLE offer_service_at_locations (
    id           TEXT PRIMARY KEY,
    service_id   TEXT NOT NULL REFERENCES offer_services (id),
    location_id  TEXT NOT NULL REFERENCES offer_locations (id),
    UNIQUE (service_id, location_id)
);
CREATE INDEX offer_service_at_locations_location ON offer_service_at_locations (location_id);

CREATE TABLE offer_contacts (
    id          TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES offer_services (id),
    name        TEXT,
    title       TEXT
);
CREATE INDEX offer_contacts_service ON offer_contacts (service_id);

CREATE TABLE offer_phones (
    id           TEXT PRIMARY KEY,
    contact_id   TEXT NOT NULL REFERENCES offer_contacts (id),
    number       TEXT NOT NULL,
    description  TEXT
);
CREATE INDEX offer_phones_contact ON offer_phones (contact_id);

-- Schedules follow iCalendar's RRULE as HSDS does; opens_at and closes_at are
-- 'HH:MM:SS' text, so they compare as times on both databases.
CREATE TABLE offer_schedules (
    id                      TEXT PRIMARY KEY,
    service_id              TEXT NOT NULL REFERENCES offer_services (id),
    service_at_location_id  TEXT REFERENCES offer_service_at_locations (id),
    valid_from              DATE,
    valid_to                DATE,
    dtstart                 DATE,
    freq                    TEXT CHECK (freq IN ('WEEKLY', 'MONTHLY')),
    interval                INTEGER CHECK (interval > 0),
    byday                   TEXT,  -- e.g. 'MO,WE,FR'
    bymonthday              TEXT,
    opens_at                TEXT CHECK (opens_at IS NULL OR length(opens_at) = 8),
    closes_at               TEXT CHECK (closes_at IS NULL OR length(closes_at) = 8),
    description             TEXT,
    attending_type          TEXT,
    notes                   TEXT,
    schedule_link           TEXT
);
CREATE INDEX offer_schedules_service ON offer_schedules (service_id);

CREATE TABLE offer_service_areas (
    id           TEXT PRIMARY KEY,
    service_id   TEXT NOT NULL REFERENCES offer_services (id),
    name         TEXT,
    description  TEXT,
    extent       TEXT,
    extent_type  TEXT,
    uri          TEXT
);
CREATE INDEX offer_service_areas_service ON offer_service_areas (service_id);

-- Amounts in pence: no rounding surprises in either database.
CREATE TABLE offer_cost_options (
    id                  TEXT PRIMARY KEY,
    service_id          TEXT NOT NULL REFERENCES offer_services (id),
    option              TEXT,
    amount_pence        INTEGER CHECK (amount_pence >= 0),
    amount_description  TEXT,
    valid_from          DATE,
    valid_to            DATE
);
CREATE INDEX offer_cost_options_service ON offer_cost_options (service_id);

CREATE TABLE offer_taxonomies (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    uri          TEXT,
    version      TEXT
);

CREATE TABLE offer_taxonomy_terms (
    id           TEXT PRIMARY KEY,
    taxonomy_id  TEXT NOT NULL REFERENCES offer_taxonomies (id),
    parent_id    TEXT REFERENCES offer_taxonomy_terms (id),
    code         TEXT,  -- HSDS "term": the code in its taxonomy
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    term_uri     TEXT
);
CREATE INDEX offer_taxonomy_terms_taxonomy ON offer_taxonomy_terms (taxonomy_id, name);
CREATE INDEX offer_taxonomy_terms_parent ON offer_taxonomy_terms (parent_id);

-- A service's taxonomy terms (HSDS attributes linked to a service): its
-- categories, the needs it is for, cost, delivery, accessibility.
CREATE TABLE offer_attributes (
    id                TEXT PRIMARY KEY,
    service_id        TEXT NOT NULL REFERENCES offer_services (id),
    taxonomy_term_id  TEXT NOT NULL REFERENCES offer_taxonomy_terms (id),
    link_type         TEXT,
    value             TEXT,
    UNIQUE (service_id, taxonomy_term_id)
);
CREATE INDEX offer_attributes_term ON offer_attributes (taxonomy_term_id, service_id);

-- Postcode centroids for distance searches, imported from the ONS Postcode
-- Directory (the demo ships a synthetic set). The postcode is stored as
-- printed: upper case, one space before the last three characters.
CREATE TABLE postcodes (
    postcode   TEXT PRIMARY KEY,
    latitude   DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude  DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180)
);

-- +goose Down
DROP TABLE postcodes;
DROP TABLE offer_attributes;
DROP TABLE offer_taxonomy_terms;
DROP TABLE offer_taxonomies;
DROP TABLE offer_cost_options;
DROP TABLE offer_service_areas;
DROP TABLE offer_schedules;
DROP TABLE offer_phones;
DROP TABLE offer_contacts;
DROP TABLE offer_service_at_locations;
DROP TABLE offer_accessibility;
DROP TABLE offer_addresses;
DROP TABLE offer_locations;
-- dialect sqlite
DROP TABLE offer_services_fts;
-- dialect end
DROP TABLE offer_services;
DROP TABLE offer_organizations;
