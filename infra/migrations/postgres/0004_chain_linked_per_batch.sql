-- The audit chain is linked once per tenant and batch, by the batch's last statement, instead of by every write.
-- A write used to advance the tenant's head row itself, which locked the row from the batch's first decision until
-- its commit: the batches of all silos (and a silo's own overlapping transactions) committing for one tenant ran one
-- after another. Now the session writes run in parallel and only this function, at the end of a batch, takes the
-- head: the lock is held for the linking and the commit alone.
--
-- The function first checks, for the whole group at once, which session writes took effect in this transaction (the
-- session row holds the writer's epoch and at least its version: a stale write changed nothing, so its decision is
-- neither linked nor stored); then it takes the head, links those decisions in batch order (safemcp_chain_link, as
-- before), inserts their rows with one statement and advances the head. It returns the chain's new length. Row-level
-- security applies as to any statement of the batch (SECURITY INVOKER).
CREATE OR REPLACE FUNCTION safemcp_chain_append(
    p_tenant text, p_genesis text,
    p_sessions text[], p_versions bigint[], p_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_count int := coalesce(array_length(p_sessions, 1), 0);
    v_took_effect boolean[];
    v_indexes bigint[];
    v_hashes text[];
    v_length bigint;
    v_hash text;
BEGIN
    SELECT array_agg(s.session_id IS NOT NULL ORDER BY u.ord) INTO v_took_effect
    FROM unnest(p_sessions, p_versions, p_epochs) WITH ORDINALITY AS u(session_id, version, epoch, ord)
    LEFT JOIN sessions s ON s.tenant_id = p_tenant AND s.session_id = u.session_id AND s.epoch = u.epoch AND s.version >= u.version;

    INSERT INTO audit_chain_heads (tenant_id, length, head_hash) VALUES (p_tenant, 0, p_genesis) ON CONFLICT (tenant_id) DO NOTHING;
    SELECT length, head_hash INTO v_length, v_hash FROM audit_chain_heads WHERE tenant_id = p_tenant FOR UPDATE;
    v_indexes := array_fill(NULL::bigint, ARRAY[v_count]);
    v_hashes := array_fill(NULL::text, ARRAY[v_count]);
    FOR i IN 1 .. v_count LOOP
        CONTINUE WHEN NOT v_took_effect[i];
        v_length := v_length + 1;
        v_hash := safemcp_chain_link(v_hash, v_length, p_heads[i], p_tails[i]);
        v_indexes[i] := v_length;
        v_hashes[i] := v_hash;
    END LOOP;

    INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld,
                           arguments, thought, decided_at, epoch, chain_index, chain_hash)
    SELECT p_tenant, u.session_id, u.sequence, u.tool, u.verdict, u.reasons, u.techniques, u.decided_by, u.withheld,
           u.arguments, u.thought, u.decided_at, u.epoch, u.chain_index, u.chain_hash
    FROM unnest(p_sessions, p_sequences, p_tools, p_verdicts, p_reasons, p_techniques, p_decided_by, p_withheld,
                p_arguments, p_thoughts, p_decided_at, p_epochs, v_indexes, v_hashes)
         AS u(session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, epoch, chain_index, chain_hash)
    WHERE u.chain_index IS NOT NULL;

    UPDATE audit_chain_heads SET length = v_length, head_hash = v_hash WHERE tenant_id = p_tenant;
    RETURN v_length;
END $$;

COMMENT ON TABLE audit_chain_heads IS 'Head of each tenant''s audit chain, advanced once a batch by safemcp_chain_append.';

-- A decision row is now inserted only by safemcp_chain_append, after it found the session row (locked by the batch's
-- own write): the foreign key's check repeated that lookup for every decision. Sessions are never deleted.
ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_tenant_id_session_id_fkey;
