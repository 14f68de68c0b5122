-- SafeMCP Cluster, embedded storage (SQLite), schema version 4: API key roles. Keys made before roles existed were
-- the tenant's only keys and keep full rights; new keys are agent keys unless made with --admin.
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
