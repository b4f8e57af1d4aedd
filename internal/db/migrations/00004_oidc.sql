-- Staff sign-in through OpenID Connect (internal/oidc).
--
-- oidc_logins holds a sign-in that has been begun and not yet completed, so
-- that a callback may land on any joinedup instance sharing the database. It
-- is keyed by the SHA-256 of the state sent to the identity provider, and
-- bound to the browser by the SHA-256 of a cookie value: neither secret is
-- stored. The nonce, PKCE verifier and return path are kept sealed (AES-GCM)
-- under a key derived from that cookie, so the row is of no use without the
-- browser that began the sign-in. A row lives 10 minutes at most and is
-- deleted by the callback that uses it, whatever the outcome.
--
-- oidc_used_states remembers, for a while, the state hashes already used, so
-- that a replayed callback can be told apart from an unknown one.

-- +goose Up
CREATE TABLE oidc_logins (
    state_hash   TEXT PRIMARY KEY,
    cookie_hash  TEXT NOT NULL,
    provider_id  TEXT NOT NULL,
    sealed       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);

CREATE TABLE oidc_used_states (
    state_hash  TEXT PRIMARY KEY,
    used_at     TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX oidc_used_states_expires ON oidc_used_states (expires_at);

-- +goose Down
DROP TABLE oidc_used_states;
DROP TABLE oidc_logins;
