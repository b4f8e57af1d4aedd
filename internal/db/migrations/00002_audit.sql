-- The audit log: one row for every read and change of a child's record,
-- append-only and hash-chained. audit_chain holds the head of the chain; an
-- append locks it, so rows are numbered without gaps in commit order.

-- +goose Up
CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    request_id   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_org    TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    child_id     TEXT,
    reason       TEXT NOT NULL,
    changes      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_events_child ON audit_events (child_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

CREATE TABLE audit_chain (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, 'genesis');

-- +goose Down
DROP TABLE audit_chain;
DROP TABLE audit_events;
