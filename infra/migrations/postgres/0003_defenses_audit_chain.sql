-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 3: the defenses' tenant-level state and the
-- tamper-evident audit chain, shared by every silo (the same shapes as SQLite's 0002_defenses and 0003_audit_chain).
-- Idempotent, so a partly applied run can be repeated; every table is under the same tenant policy as 0001's.

-- Tool registry: one pin per tenant, server and tool (SAFE-T1201 / T1205).
CREATE TABLE IF NOT EXISTS tool_registry (
    tenant_id      text NOT NULL REFERENCES tenants(tenant_id),
    server         text NOT NULL,
    tool           text NOT NULL,
    status         text NOT NULL CHECK (status IN ('approved', 'quarantined', 'removed')),
    reason         text NULL,              -- new | changed | re-added while quarantined
    approved_hash  text NULL,              -- SHA-256 of the approved definition
    observed_hash  text NOT NULL,          -- SHA-256 of the definition last seen
    definition     text NOT NULL,          -- the definition last seen (JSON)
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, server, tool)
);

-- Just-in-time grants: which tools and capabilities need a grant, and the grants.
CREATE TABLE IF NOT EXISTS grant_policies (
    tenant_id      text PRIMARY KEY REFERENCES tenants(tenant_id),
    tools          text NOT NULL,          -- JSON array of tool names
    capabilities   text NOT NULL,          -- JSON array of capability names
    updated_at     timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS grants (
    tenant_id      text NOT NULL REFERENCES tenants(tenant_id),
    grant_id       text NOT NULL,
    session_id     text NOT NULL,
    tool           text NULL,
    capability     text NULL,
    task           text NOT NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz NULL,
    PRIMARY KEY (tenant_id, grant_id)
);
CREATE INDEX IF NOT EXISTS grants_by_expiry ON grants (tenant_id, expires_at);

-- The audit chain: each decision's position in its tenant's chain and chain_hash = SHA-256(previous hash || row).
-- Rows written before this migration carry no position and are reported as unchained.
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS chain_index bigint NULL;
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS chain_hash text NULL;
CREATE UNIQUE INDEX IF NOT EXISTS decisions_by_chain ON decisions (tenant_id, chain_index);

-- The head of each tenant's chain. Silos committing for one tenant serialize on this row: the statement that links a
-- decision advances the head with an upsert, which locks the row until the batch's transaction ends.
CREATE TABLE IF NOT EXISTS audit_chain_heads (
    tenant_id      text PRIMARY KEY REFERENCES tenants(tenant_id),
    length         bigint NOT NULL,        -- rows in the chain
    head_hash      text NOT NULL           -- chain_hash of the last row
);

-- The link of SafeMcp.Grains.Defenses.Audit.AuditChain: the hashed text is '["previous",' || head || index || tail,
-- where the silo sends head and tail (the row's JSON fields around the index), so both stores hash the same bytes.
CREATE OR REPLACE FUNCTION safemcp_chain_link(previous text, chain_index bigint, head bytea, tail bytea) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE -- STABLE as convert_to is, so the planner can inline it
    AS $$ SELECT encode(sha256(convert_to('["' || previous || '",', 'UTF8') || head || convert_to(chain_index::text, 'UTF8') || tail), 'hex') $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tool_registry', 'grant_policies', 'grants', 'audit_chain_heads'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = t AND policyname = 'tenant_isolation') THEN
            EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
                USING (tenant_id = current_setting('safemcp.tenant', true))
                WITH CHECK (tenant_id = current_setting('safemcp.tenant', true))$p$, t);
        END IF;
    END LOOP;
END $$;
