-- Local sign-in accounts for parents, carers and young people (internal/account).
-- Staff sign in through their organisation (OpenID Connect) and have no row here.
--
-- local_accounts holds one argon2id hash per person, in PHC string form, so the
-- hash carries the costs it was made with and can be raised later. Sign-in
-- counts consecutive wrong passwords and locks the account for a while after
-- five; lockouts counts the locks in a row, each twice as long as the last.
--
-- account_tokens are the links sent by email to confirm an address or reset a
-- password. Only the SHA-256 of the link's secret is stored, so a copy of this
-- table opens nothing; each is single-use and expires.
--
-- signin_attempts is the per-source rate limit (at most 20 sign-in attempts in
-- 10 minutes from one source), shared by every instance. The key is the
-- SHA-256 of the caller's key (for example the client address), never the key
-- itself. signin_sources has one row per key, which an attempt locks so that
-- two instances counting the same source at once cannot both let the 21st in.

-- +goose Up
CREATE TABLE local_accounts (
    person_id            TEXT PRIMARY KEY REFERENCES people (id),
    password_hash        TEXT NOT NULL,
    email_verified_at    TIMESTAMP,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    lockouts             INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    password_changed_at  TIMESTAMP NOT NULL,
    created_at           TIMESTAMP NOT NULL
);

CREATE TABLE account_tokens (
    token_hash  TEXT PRIMARY KEY,  -- SHA-256 of the secret in the emailed link
    person_id   TEXT NOT NULL REFERENCES people (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX account_tokens_person ON account_tokens (person_id, purpose, created_at);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

CREATE TABLE signin_sources (
    key_hash    TEXT PRIMARY KEY,
    touched_at  TIMESTAMP NOT NULL
);
CREATE INDEX signin_sources_touched ON signin_sources (touched_at);

CREATE TABLE signin_attempts (
    key_hash  TEXT NOT NULL,
    at        TIMESTAMP NOT NULL
);
CREATE INDEX signin_attempts_key ON signin_attempts (key_hash, at);
CREATE INDEX signin_attempts_at ON signin_attempts (at);

-- +goose Down
DROP TABLE signin_attempts;
DROP TABLE signin_sources;
DROP TABLE account_tokens;
DROP TABLE local_accounts;
