-- SafeMCP Cluster, embedded storage (SQLite), schema version 3: the tamper-evident audit chain.
-- Every decision row gets its position in its tenant's chain and chain_hash = SHA-256(previous hash || row), computed
-- by the storage layer at commit; the tenant's head is updated in the same transaction. On PostgreSQL several silos
-- commit for one tenant: the batch transaction takes the head row with SELECT ... FOR UPDATE, so links are serial.
-- Rows written before this migration carry no chain position and are reported as unchained.
ALTER TABLE decisions ADD COLUMN chain_index INTEGER NULL;
ALTER TABLE decisions ADD COLUMN chain_hash TEXT NULL;

CREATE UNIQUE INDEX decisions_by_chain ON decisions (tenant_id, chain_index);

CREATE TABLE audit_chain_heads (
    tenant_id      TEXT PRIMARY KEY,
    length         INTEGER NOT NULL,       -- rows in the chain
    head_hash      TEXT NOT NULL           -- chain_hash of the last row
);
