-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 8: the keyed audit chain. chain_hash is now an
-- HMAC-SHA256 the silo computes under the key named by key_id; the database never holds the key, so the chain can no
-- longer be linked in SQL (safemcp_chain_append, which hashed with plain SHA-256, is left for silos of the previous
-- version; rows it links carry no key id and fail verification after a keyed row). outcome_mac seals a decision's
-- outcome columns (error, bytes, taint, observation) as 'keyId:hex'.
--
-- A group commit is now one explicit transaction of two round trips: safemcp_commit_writes_keyed applies the group's
-- common writes (as safemcp_commit_writes does), says which of the group's decisions belong to writes that took effect,
-- and locks and returns the tenant's chain head; the silo MACs those decisions after the head and inserts them with the
-- new head in the second round trip, then commits.
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS key_id text NULL;
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS outcome_mac text NULL;

CREATE OR REPLACE FUNCTION safemcp_commit_writes_keyed(
    p_tenant text, p_genesis text,
    p_sessions text[], p_expected bigint[], p_versions bigint[], p_epochs bigint[], p_states bytea[],
    p_chain_sessions text[], p_chain_versions bigint[], p_chain_epochs bigint[],
    OUT o_applied bigint[], OUT o_linked boolean[], OUT o_length bigint, OUT o_hash text)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off SET enable_seqscan = off
AS $$
BEGIN
    o_applied := '{}';
    o_linked := '{}';
    IF coalesce(array_length(p_sessions, 1), 0) > 0 THEN
        WITH w AS (
            UPDATE sessions s
            SET state = convert_from(u.state, 'UTF8'), version = u.version, epoch = u.epoch, updated_at = now()
            FROM unnest(p_sessions, p_expected, p_versions, p_epochs, p_states) WITH ORDINALITY AS u(session_id, expected, version, epoch, state, ord)
                 CROSS JOIN LATERAL (
                     SELECT 1 FROM leases l
                     WHERE l.tenant_id = p_tenant AND l.grain_key = u.session_id AND l.epoch = u.epoch
                     FOR SHARE) AS held
            WHERE s.tenant_id = p_tenant AND s.session_id = u.session_id AND s.version = u.expected
            RETURNING u.ord)
        SELECT coalesce(array_agg(ord), '{}') INTO o_applied FROM w;
    END IF;
    IF coalesce(array_length(p_chain_sessions, 1), 0) > 0 THEN
        -- A decision is linked only if its session write took effect in this transaction (a stale write changed nothing).
        SELECT array_agg(s.session_id IS NOT NULL ORDER BY u.ord) INTO o_linked
        FROM unnest(p_chain_sessions, p_chain_versions, p_chain_epochs) WITH ORDINALITY AS u(session_id, version, epoch, ord)
        LEFT JOIN sessions s ON s.tenant_id = p_tenant AND s.session_id = u.session_id AND s.epoch = u.epoch AND s.version >= u.version;
        IF true = ANY(o_linked) THEN
            INSERT INTO audit_chain_heads (tenant_id, length, head_hash) VALUES (p_tenant, 0, p_genesis) ON CONFLICT (tenant_id) DO NOTHING;
            SELECT h.length, h.head_hash INTO o_length, o_hash FROM audit_chain_heads h WHERE h.tenant_id = p_tenant FOR UPDATE;
        END IF;
    END IF;
END $$;
