-- Transfers of a child's case to another organisation or team, with accept,
-- reject and revocation until accepted (internal/access/transfer.go).
--
-- The proposal is a pending 'owner' link in the care team for the receiving
-- organisation (link_id), which carries the handover note; the case stays with
-- the owning team's link (from_link_id) until a manager of the receiving side
-- accepts. A care_team row cannot say who decided, why a transfer was
-- rejected or that it was revoked, and SQLite cannot change its CHECKs, so
-- those live here.

-- +goose Up
CREATE TABLE transfers (
    id              TEXT PRIMARY KEY,
    child_id        TEXT NOT NULL REFERENCES children (id),
    link_id         TEXT NOT NULL UNIQUE REFERENCES care_team (id),
    from_link_id    TEXT NOT NULL REFERENCES care_team (id),
    from_org        TEXT NOT NULL REFERENCES organisations (id),
    to_org          TEXT NOT NULL REFERENCES organisations (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'revoked')),
    proposed_by     TEXT NOT NULL REFERENCES people (id),
    proposed_at     TIMESTAMP NOT NULL,
    decided_by      TEXT REFERENCES people (id),
    decided_at      TIMESTAMP,
    reason          TEXT,  -- why it was rejected
    coordinator_id  TEXT REFERENCES people (id),  -- the named contact chosen on acceptance
    CHECK (from_org <> to_org),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (status <> 'rejected' OR reason IS NOT NULL),
    CHECK (status <> 'accepted' OR coordinator_id IS NOT NULL)
);
-- A child's case goes to one place at a time.
CREATE UNIQUE INDEX transfers_one_pending ON transfers (child_id) WHERE status = 'pending';
CREATE INDEX transfers_from ON transfers (from_org, status);
CREATE INDEX transfers_to ON transfers (to_org, status);

-- +goose Down
DROP TABLE transfers;
