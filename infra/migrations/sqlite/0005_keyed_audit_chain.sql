-- SafeMCP Cluster, embedded storage (SQLite), schema version 5: the keyed audit chain. chain_hash is now an
-- HMAC-SHA256 under the key named by key_id (a key the silo holds, never the database); rows without a key id were
-- linked before keys existed. outcome_mac seals a decision's outcome columns (error, bytes, taint, observation),
-- written later than the row, as 'keyId:hex'.
ALTER TABLE decisions ADD COLUMN key_id TEXT NULL;
ALTER TABLE decisions ADD COLUMN outcome_mac TEXT NULL;
