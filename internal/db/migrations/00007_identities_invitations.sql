-- Staff identities and family invitations.
--
-- staff_identities binds a person at an organisation's identity provider
-- (issuer + subject, which the provider promises never to reuse) to a staff
-- member. The first sign-in binds by email address within the provider's
-- organisation; every later one goes by issuer + subject only, so a changed
-- email address at the provider changes nothing here.
--
-- account_tokens gains the purpose 'invitation': the link a SEND team sends a
-- parent, carer or young person to make their account. SQLite cannot change
-- a CHECK constraint, so the table is rebuilt on both databases.

-- +goose Up
CREATE TABLE staff_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people (id),
    provider_id TEXT NOT NULL,
    bound_at    TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (person_id, issuer)
);

CREATE TABLE account_tokens_new (
    token_hash  TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invitation')),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    invited_by  TEXT REFERENCES people (id),
    CHECK (purpose <> 'invitation' OR invited_by IS NOT NULL)
);
INSERT INTO account_tokens_new (token_hash, person_id, purpose, created_at, expires_at, used_at)
    SELECT token_hash, person_id, purpose, created_at, expires_at, used_at FROM account_tokens;
DROP TABLE account_tokens;
ALTER TABLE account_tokens_new RENAME TO account_tokens;
CREATE INDEX account_tokens_person ON account_tokens (person_id, purpose, created_at);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

-- +goose Down
CREATE TABLE account_tokens_old (
    token_hash  TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
INSERT INTO account_tokens_old SELECT token_hash, person_id, purpose, created_at, expires_at, used_at
    FROM account_tokens WHERE purpose <> 'invitation';
DROP TABLE account_tokens;
ALTER TABLE account_tokens_old RENAME TO account_tokens;
CREATE INDEX account_tokens_person ON account_tokens (person_id, purpose, created_at);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);
DROP TABLE staff_identities;
