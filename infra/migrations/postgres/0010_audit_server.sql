-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 10: a session spans MCP servers, so each decision row
-- names the server of its call. Rows written before this migration were of sessions of one server and read as
-- 'default'; the audit chain MACs the server only when it is not 'default', so they verify unchanged. The runtime role
-- inserts and reads decisions (0009), which covers the new column; it still cannot update it.
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS server text NOT NULL DEFAULT 'default';
