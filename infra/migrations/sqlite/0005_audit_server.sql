-- SafeMCP Cluster, embedded storage (SQLite), schema version 5: a session spans MCP servers, so each decision row names
-- the server of its call. Rows written before this migration were of sessions of one server and read as 'default'.
-- The audit chain hashes the server only when it is not 'default', so those rows verify unchanged.
ALTER TABLE decisions ADD COLUMN server TEXT NOT NULL DEFAULT 'default';
