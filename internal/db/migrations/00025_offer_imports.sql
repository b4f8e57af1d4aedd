-- Local Offer imports from the editors' pages (issue 6, point 7;
-- internal/offer/imports, internal/web/offer_import.go). The import itself
-- writes the offer_* tables (internal/offer/import.go); these two tables keep
-- a checked feed between the dry run and "Apply this import", and say who
-- imported what, when.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up

-- A feed checked by a dry run and waiting to be applied. The page carries a
-- random token; only its SHA-256 is stored, and only the same person in the
-- same session may apply it, before it expires. services holds the feed's
-- services as they were checked (gzip of ndjson, each line with its place in
-- the file), so "Apply" writes exactly what was previewed; csv holds a CSV
-- as uploaded (gzip), to check it again against a directory that changed.
-- fingerprint is the directory the dry run compared with (offer.ImportReport).
-- Rows are deleted when applied and when expired.
CREATE TABLE offer_import_uploads (
    token_hash    TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id),
    session_id    TEXT NOT NULL,
    source        TEXT NOT NULL,   -- the file's name or the URL
    format        TEXT NOT NULL CHECK (format IN ('oruk', 'csv')),
    sha256        TEXT NOT NULL,   -- of the bytes uploaded or fetched
    size          INTEGER NOT NULL,
    services      BYTEA NOT NULL,  -- a BLOB to SQLite, whatever the name
    csv           BYTEA,
    fingerprint   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);
CREATE INDEX offer_import_uploads_expiry ON offer_import_uploads (expires_at);

-- One row per import applied from the editors' pages: who, when, from what
-- (name or URL and the SHA-256 of its bytes) and what it changed.
CREATE TABLE offer_imports (
    id                  TEXT PRIMARY KEY,
    imported_by         TEXT NOT NULL REFERENCES people (id),
    imported_by_name    TEXT NOT NULL,
    imported_at         TIMESTAMP NOT NULL,
    source              TEXT NOT NULL,
    format              TEXT NOT NULL CHECK (format IN ('oruk', 'csv')),
    sha256              TEXT NOT NULL,
    size                INTEGER NOT NULL,
    services_new        INTEGER NOT NULL,
    services_changed    INTEGER NOT NULL,
    services_unchanged  INTEGER NOT NULL,
    organizations_new      INTEGER NOT NULL,
    organizations_changed  INTEGER NOT NULL,
    locations_new       INTEGER NOT NULL,
    locations_changed   INTEGER NOT NULL,
    terms_new           INTEGER NOT NULL,
    terms_changed       INTEGER NOT NULL,
    taxonomies_new      INTEGER NOT NULL
);
CREATE INDEX offer_imports_when ON offer_imports (imported_at);
CREATE INDEX offer_imports_by ON offer_imports (imported_by);

-- +goose Down
DROP TABLE offer_imports;
DROP TABLE offer_import_uploads;
