-- The audit chain is linked once per tenant and batch, by the batch's last statement, instead of by every write.
-- A write used to advance the tenant's head row itself, which locked the row from the batch's first decision until
-- its commit: the batches of all silos (and a silo's own overlapping transactions) committing for one tenant ran one
-- after another. Now the session writes run in parallel and only this function, at the end of a batch, takes the
-- head: the lock is held for the linking and the commit alone.
--
-- For each decision, in batch order, the function checks that its session write took effect in this transaction
-- (the session row holds the writer's epoch and at least its version: a stale write changed nothing, so its decision
-- is neither linked nor stored), links it (safemcp_chain_link, as before) and inserts its row. It returns the chain's
-- new length. Row-level security applies as to any statement of the batch (SECURITY INVOKER).
CREATE OR REPLACE FUNCTION safemcp_chain_append(
    p_tenant text, p_genesis text,
    p_sessions text[], p_versions bigint[], p_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_length bigint;
    v_hash text;
BEGIN
    INSERT INTO audit_chain_heads (tenant_id, length, head_hash) VALUES (p_tenant, 0, p_genesis) ON CONFLICT (tenant_id) DO NOTHING;
    SELECT length, head_hash INTO v_length, v_hash FROM audit_chain_heads WHERE tenant_id = p_tenant FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_sessions, 1), 0) LOOP
        PERFORM 1 FROM sessions
            WHERE tenant_id = p_tenant AND session_id = p_sessions[i] AND epoch = p_epochs[i] AND version >= p_versions[i];
        CONTINUE WHEN NOT FOUND;
        v_length := v_length + 1;
        v_hash := safemcp_chain_link(v_hash, v_length, p_heads[i], p_tails[i]);
        INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld,
                               arguments, thought, decided_at, epoch, chain_index, chain_hash)
        VALUES (p_tenant, p_sessions[i], p_sequences[i], p_tools[i], p_verdicts[i], p_reasons[i], p_techniques[i],
                p_decided_by[i], p_withheld[i], p_arguments[i], p_thoughts[i], p_decided_at[i], p_epochs[i], v_length, v_hash);
    END LOOP;
    UPDATE audit_chain_heads SET length = v_length, head_hash = v_hash WHERE tenant_id = p_tenant;
    RETURN v_length;
END $$;

COMMENT ON TABLE audit_chain_heads IS 'Head of each tenant''s audit chain, advanced once a batch by safemcp_chain_append.';

-- A decision row is now inserted only by safemcp_chain_append, after it found the session row (locked by the batch's
-- own write): the foreign key's check repeated that lookup for every decision. Sessions are never deleted.
ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_tenant_id_session_id_fkey;
