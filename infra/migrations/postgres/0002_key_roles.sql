-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 2: API key roles. Keys made before roles existed were
-- the tenant's only keys and keep full rights; new keys are agent keys unless made with --admin.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS role text NOT NULL DEFAULT 'admin';
