-- The notification outbox: every message to a family is written here in the
-- same transaction as the change that causes it, then sent by a worker that
-- may run in every joinedup instance at once (see internal/notify).
--
-- next_attempt_at is when the row is next due: for a pending row, when to
-- (re)try it; for a sending row, when its claim lapses (it always equals
-- claimed_until then), so a row whose worker died becomes due again and one
-- index serves the worker's query. claim_token names the claim, so a worker
-- whose claim lapsed and was taken over cannot record a result over the
-- newer claim's.

-- +goose Up
CREATE TABLE outbox (
    id                   TEXT PRIMARY KEY,
    created_at           TIMESTAMP NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('email')),
    recipient            TEXT NOT NULL,
    subject              TEXT NOT NULL,
    what_changed         TEXT NOT NULL,
    what_to_do           TEXT NOT NULL,
    body                 TEXT NOT NULL,
    reference            TEXT NOT NULL,  -- opaque id of the cause, never personal data
    status               TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TIMESTAMP NOT NULL,
    claimed_until        TIMESTAMP,
    claim_token          TEXT,
    last_error           TEXT,
    sent_at              TIMESTAMP,
    provider_message_id  TEXT
);
-- The worker's due query: status IN ('pending', 'sending') AND next_attempt_at <= now.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'sending');
-- Staff's list of messages that could not be sent.
CREATE INDEX outbox_failed ON outbox (created_at) WHERE status = 'failed';
-- Which messages a cause produced.
CREATE INDEX outbox_reference ON outbox (reference);

-- +goose Down
DROP TABLE outbox;
