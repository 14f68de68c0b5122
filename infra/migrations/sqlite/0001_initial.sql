-- SafeMCP Cluster, embedded storage (SQLite), schema version 1.
-- Rowid tables throughout: rows here are large (JSON documents) and SQLite keeps large rows best in rowid
-- tables; decisions are appended in commit order, so a batch fills few pages.
CREATE TABLE tenants (
    tenant_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
    key_hash    TEXT PRIMARY KEY,          -- SHA-256 of the key, hex; the key itself is never stored
    tenant_id   TEXT NOT NULL REFERENCES tenants(tenant_id),
    key_prefix  TEXT NOT NULL,             -- first characters, to tell keys apart in listings
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NULL
);

CREATE TABLE sessions (
    tenant_id   TEXT NOT NULL REFERENCES tenants(tenant_id),
    session_id  TEXT NOT NULL,
    state       TEXT NOT NULL,             -- mutable state (JSON), rewritten by every turn
    version     INTEGER NOT NULL,          -- ETag: bumped by every committed write
    epoch       INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    UNIQUE (tenant_id, session_id)
);

-- Instruction and tools (JSON): written when a session is opened or its tools change, not by every turn.
CREATE TABLE session_definitions (
    tenant_id   TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    definition  TEXT NOT NULL,
    UNIQUE (tenant_id, session_id)
);

CREATE TABLE decisions (
    tenant_id        TEXT NOT NULL,
    session_id       TEXT NOT NULL,
    sequence         INTEGER NOT NULL,
    tool             TEXT NOT NULL,
    verdict          TEXT NOT NULL,
    reasons          TEXT NOT NULL,        -- JSON array
    techniques       TEXT NOT NULL,        -- JSON array
    decided_by       TEXT NOT NULL,        -- JSON array
    withheld         TEXT NOT NULL,        -- JSON array
    arguments        TEXT NOT NULL,
    thought          TEXT NULL,
    decided_at       TEXT NOT NULL,
    outcome_is_error INTEGER NULL,
    outcome_bytes    INTEGER NULL,
    outcome_taint    TEXT NULL,
    observation      TEXT NULL,            -- start of the result, secrets redacted
    UNIQUE (tenant_id, session_id, sequence)
);
