-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 8: a session spans MCP servers, so each decision row
-- names the server of its call. Rows written before this migration were of sessions of one server and read as
-- 'default'; the audit chain hashes the server only when it is not 'default', so they verify unchanged.
--
-- safemcp_chain_append and safemcp_commit_writes gain a last argument, the servers of the group's decisions (new
-- overloads: the versions without it stay for silos of the previous version, whose rows get the column's default).
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS server text NOT NULL DEFAULT 'default';

CREATE OR REPLACE FUNCTION safemcp_chain_append(
    p_tenant text, p_genesis text,
    p_sessions text[], p_versions bigint[], p_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[], p_servers text[])
RETURNS bigint LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off SET enable_seqscan = off
AS $$
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
                           arguments, thought, decided_at, epoch, chain_index, chain_hash, server)
    SELECT p_tenant, u.session_id, u.sequence, u.tool, u.verdict, u.reasons, u.techniques, u.decided_by, u.withheld,
           u.arguments, u.thought, u.decided_at, u.epoch, u.chain_index, u.chain_hash, u.server
    FROM unnest(p_sessions, p_sequences, p_tools, p_verdicts, p_reasons, p_techniques, p_decided_by, p_withheld,
                p_arguments, p_thoughts, p_decided_at, p_epochs, v_indexes, v_hashes, p_servers)
         AS u(session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, epoch, chain_index, chain_hash, server)
    WHERE u.chain_index IS NOT NULL;

    UPDATE audit_chain_heads SET length = v_length, head_hash = v_hash WHERE tenant_id = p_tenant;
    RETURN v_length;
END $$;


CREATE OR REPLACE FUNCTION safemcp_commit_writes(
    p_tenant text, p_genesis text,
    p_sessions text[], p_expected bigint[], p_versions bigint[], p_epochs bigint[], p_states bytea[],
    p_chain_sessions text[], p_chain_versions bigint[], p_chain_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[], p_servers text[])
RETURNS bigint[] LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off SET enable_seqscan = off
AS $$
DECLARE
    v_applied bigint[] := '{}';
BEGIN
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
        SELECT coalesce(array_agg(ord), '{}') INTO v_applied FROM w;
    END IF;
    IF coalesce(array_length(p_chain_sessions, 1), 0) > 0 THEN
        PERFORM safemcp_chain_append(p_tenant, p_genesis, p_chain_sessions, p_chain_versions, p_chain_epochs, p_sequences,
            p_tools, p_verdicts, p_reasons, p_techniques, p_decided_by, p_withheld, p_arguments, p_thoughts, p_decided_at,
            p_heads, p_tails, p_servers);
    END IF;
    RETURN v_applied;
END $$;

