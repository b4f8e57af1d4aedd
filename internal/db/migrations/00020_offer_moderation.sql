-- Providers keep the Local Offer fresh (issue 6, point 3; internal/offer/edits).
-- The offer_* tables stay the approved, live directory: a provider's edit is a
-- row here holding the whole edited service as an ORUK JSON document, beside
-- the live version it was made from, until an editor approves it (the live
-- tables are then rewritten in the same transaction) or returns it with
-- comments. The rows are the history: who edited, when, who decided and what.
-- Portable SQL only: both SQLite and PostgreSQL run this file as it is.

-- +goose Up

-- Which partnership organisations (a school, a trust, a team) act for which
-- Local Offer provider: their staff with the offer_provider role may edit
-- that provider's services and nobody else's.
CREATE TABLE offer_provider_members (
    organisation_id        TEXT NOT NULL REFERENCES organisations (id),
    offer_organization_id  TEXT NOT NULL REFERENCES offer_organizations (id),
    PRIMARY KEY (organisation_id, offer_organization_id)
);
CREATE INDEX offer_provider_members_offer ON offer_provider_members (offer_organization_id);

-- One row per edit. status: pending (waiting for an editor), returned (sent
-- back with comments; the provider may edit again), approved (now live),
-- resubmitted (returned, then replaced by a new edit).
-- At most one open (pending or returned) edit per service: a second edit
-- updates it.
CREATE TABLE offer_service_edits (
    id                TEXT PRIMARY KEY,
    service_id        TEXT NOT NULL REFERENCES offer_services (id),
    organization_id   TEXT NOT NULL REFERENCES offer_organizations (id),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'approved', 'resubmitted')),
    before_doc        TEXT NOT NULL,  -- the live service when the edit was made
    after_doc         TEXT NOT NULL,  -- the service as the provider wants it
    edited_by         TEXT NOT NULL REFERENCES people (id),
    edited_by_name    TEXT NOT NULL,
    edited_at         TIMESTAMP NOT NULL,
    decided_by        TEXT REFERENCES people (id),
    decided_by_name   TEXT,
    decided_at        TIMESTAMP,
    comments          TEXT
);
CREATE UNIQUE INDEX offer_service_edits_open ON offer_service_edits (service_id) WHERE status IN ('pending', 'returned');
CREATE INDEX offer_service_edits_queue ON offer_service_edits (status, edited_at);
CREATE INDEX offer_service_edits_service ON offer_service_edits (service_id, edited_at);

-- +goose Down
DROP TABLE offer_service_edits;
DROP TABLE offer_provider_members;
