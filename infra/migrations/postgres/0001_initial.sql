-- SafeMCP Cluster, shared storage (PostgreSQL), schema version 1.
-- The silo connects as the application role, which owns these tables; FORCE ROW LEVEL SECURITY makes the
-- policies bind the owner too. A tenant table shows only the rows of the tenant set on the transaction
-- with set_config('safemcp.tenant', id, true); with no tenant set it shows nothing.

CREATE TABLE tenants (
    tenant_id   text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- How many tenants exist, without exposing any of them (the bootstrap asks this before any tenant is set).
CREATE TABLE tenant_totals (
    id      int PRIMARY KEY CHECK (id = 1),
    tenants bigint NOT NULL
);
INSERT INTO tenant_totals VALUES (1, 0);

CREATE TABLE api_keys (
    key_hash    text PRIMARY KEY,          -- SHA-256 of the key, hex; the key itself is never stored
    tenant_id   text NOT NULL REFERENCES tenants(tenant_id),
    key_prefix  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz NULL
);

CREATE TABLE sessions (
    tenant_id   text NOT NULL REFERENCES tenants(tenant_id),
    session_id  text NOT NULL,
    definition  text NOT NULL,             -- instruction and tools (JSON)
    state       text NOT NULL,             -- mutable state (JSON)
    version     bigint NOT NULL,           -- ETag: bumped by every committed write
    epoch       bigint NOT NULL DEFAULT 0, -- lease epoch of the activation that wrote last
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, session_id)
);

CREATE TABLE decisions (
    tenant_id        text NOT NULL,
    session_id       text NOT NULL,
    sequence         bigint NOT NULL,
    tool             text NOT NULL,
    verdict          text NOT NULL,
    reasons          text NOT NULL,        -- JSON array
    techniques       text NOT NULL,        -- JSON array
    decided_by       text NOT NULL,        -- JSON array
    withheld         text NOT NULL,        -- JSON array
    arguments        text NOT NULL,
    thought          text NULL,
    decided_at       timestamptz NOT NULL,
    epoch            bigint NOT NULL,      -- the lease epoch it was committed under
    outcome_is_error boolean NULL,
    outcome_bytes    bigint NULL,
    outcome_taint    text NULL,
    observation      text NULL,
    PRIMARY KEY (tenant_id, session_id, sequence),
    FOREIGN KEY (tenant_id, session_id) REFERENCES sessions(tenant_id, session_id)
);

-- Membership table (Orleans' vocabulary): one row a silo incarnation; the version row is bumped by
-- every change of the active set, so that silos and clients notice it with one read.
CREATE TABLE membership (
    address        text NOT NULL,          -- the public HTTP address clients use
    generation     bigint NOT NULL,        -- distinguishes restarts on one address
    internal_url   text NOT NULL,          -- the h2c endpoint silos forward to
    name           text NOT NULL,
    status         text NOT NULL CHECK (status IN ('active', 'dead', 'left')),
    started_at     timestamptz NOT NULL DEFAULT now(),
    heartbeat_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (address, generation)
);
CREATE TABLE membership_version (
    id      int PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO membership_version VALUES (1, 0);

-- Activation leases: which silo incarnation may write a grain's state, under which epoch. Taken over
-- only when the holder released it or its membership row is no longer active.
CREATE TABLE leases (
    tenant_id         text NOT NULL,
    grain_key         text NOT NULL,
    owner_address     text NOT NULL,
    owner_generation  bigint NOT NULL,     -- -1: released
    epoch             bigint NOT NULL,
    acquired_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, grain_key)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'sessions', 'decisions', 'leases'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = current_setting('safemcp.tenant', true))
            WITH CHECK (tenant_id = current_setting('safemcp.tenant', true))$p$, t);
    END LOOP;
END $$;

-- A key is found by its hash before the tenant is known: the lookup sets 'safemcp.key_hash', which shows
-- that one row (a hash of 256 random bits cannot be guessed); everything else needs the tenant.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = current_setting('safemcp.tenant', true) OR key_hash = current_setting('safemcp.key_hash', true))
    WITH CHECK (tenant_id = current_setting('safemcp.tenant', true));
