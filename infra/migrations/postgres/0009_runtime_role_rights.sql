-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 9: the runtime role owns nothing. Migrations run as an
-- owner role; the silos connect as a role that is a member of the group role safemcp_runtime, which gets here exactly
-- the rights a silo uses. Not owning the tables, it cannot disable or un-force row-level security, drop or replace a
-- policy, alter, truncate or drop a table. It cannot delete any row (a silo never does), cannot change a decision once
-- written (only its outcome columns, which the outcome report fills), and only reads the tenant count, which a trigger
-- owned by the owner keeps. Where the database was made before the owner role existed (the application role owns it),
-- there is no safemcp_runtime role and this migration changes only the tenant count's upkeep.

-- The tenant count follows the tenants table by itself: the silos no longer write it.
CREATE OR REPLACE FUNCTION safemcp_count_tenant() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE tenant_totals SET tenants = tenants + 1 WHERE id = 1;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION safemcp_count_tenant() FROM PUBLIC;
DROP TRIGGER IF EXISTS tenants_counted ON tenants;
CREATE TRIGGER tenants_counted AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION safemcp_count_tenant();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'safemcp_runtime') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO safemcp_runtime', current_schema());
        GRANT SELECT ON schema_migrations, tenant_totals TO safemcp_runtime;
        GRANT SELECT, INSERT, UPDATE ON tenants, api_keys, sessions, leases, membership, membership_version,
            tool_registry, grant_policies, grants, audit_chain_heads TO safemcp_runtime;
        GRANT SELECT, INSERT ON decisions TO safemcp_runtime;
        GRANT UPDATE (outcome_is_error, outcome_bytes, outcome_taint, observation, outcome_mac) ON decisions TO safemcp_runtime;
        -- Tables of later migrations: read and written, never deleted from, unless their migration says otherwise.
        ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE ON TABLES TO safemcp_runtime;
    END IF;
END $$;
