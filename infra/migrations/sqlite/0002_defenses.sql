-- SafeMCP Cluster, embedded storage (SQLite), schema version 2: tenant-level defense state.
-- Portable column types (TEXT ids and ISO-8601 timestamps, JSON as TEXT) so the PostgreSQL migration has the same
-- shape, with tenant_id under row-level security.

-- Tool registry: one pin per tenant, server and tool (SAFE-T1201 / T1205).
CREATE TABLE tool_registry (
    tenant_id      TEXT NOT NULL REFERENCES tenants(tenant_id),
    server         TEXT NOT NULL,
    tool           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('approved', 'quarantined', 'removed')),
    reason         TEXT NULL,              -- new | changed | re-added while quarantined
    approved_hash  TEXT NULL,              -- SHA-256 of the approved definition
    observed_hash  TEXT NOT NULL,          -- SHA-256 of the definition last seen
    definition     TEXT NOT NULL,          -- the definition last seen (JSON)
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, server, tool)
) WITHOUT ROWID;

-- Just-in-time grants: which tools and capabilities need a grant, and the grants.
CREATE TABLE grant_policies (
    tenant_id      TEXT PRIMARY KEY REFERENCES tenants(tenant_id),
    tools          TEXT NOT NULL,          -- JSON array of tool names
    capabilities   TEXT NOT NULL,          -- JSON array of capability names
    updated_at     TEXT NOT NULL
);

CREATE TABLE grants (
    tenant_id      TEXT NOT NULL REFERENCES tenants(tenant_id),
    grant_id       TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    tool           TEXT NULL,
    capability     TEXT NULL,
    task           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    revoked_at     TEXT NULL,
    PRIMARY KEY (tenant_id, grant_id)
) WITHOUT ROWID;

CREATE INDEX grants_by_expiry ON grants (tenant_id, expires_at);
