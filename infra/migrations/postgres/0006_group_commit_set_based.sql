-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 6: a tenant's part of a group-commit batch in one
-- statement. The common write of a turn (a session that exists, only its state changed, no outcome) used to be one
-- statement per session; each statement costs the server a bind, an executor start and end and a reply whatever it
-- does, and batches are small when several silos share the load. safemcp_commit_group updates all of a group's common
-- writes with one UPDATE over arrays, under the same two conditions as before (the stored version is the one the turn
-- started from, and the writer's lease epoch is current, its lease row share-locked until the transaction ends so no
-- takeover commits in between), then links the group's decisions (safemcp_chain_append). It returns, in input order,
-- whether each of those writes took effect. Other writes (a new session, a changed definition, an outcome) keep their
-- own statement, which the batch sends before this one.
CREATE OR REPLACE FUNCTION safemcp_commit_group(
    p_tenant text, p_genesis text,
    p_sessions text[], p_expected bigint[], p_versions bigint[], p_epochs bigint[], p_states bytea[],
    p_chain_sessions text[], p_chain_versions bigint[], p_chain_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[])
RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE
    v_count int := coalesce(array_length(p_sessions, 1), 0);
    v_took_effect boolean[] := '{}';
BEGIN
    IF v_count > 0 THEN
        WITH lease AS (
            SELECT u.ord
            FROM unnest(p_sessions, p_epochs) WITH ORDINALITY AS u(session_id, epoch, ord)
            JOIN leases l ON l.tenant_id = p_tenant AND l.grain_key = u.session_id AND l.epoch = u.epoch
            FOR SHARE OF l),
        w AS (
            UPDATE sessions s
            SET state = convert_from(u.state, 'UTF8'), version = u.version, epoch = u.epoch, updated_at = now()
            FROM unnest(p_sessions, p_expected, p_versions, p_epochs, p_states) WITH ORDINALITY AS u(session_id, expected, version, epoch, state, ord)
            WHERE s.tenant_id = p_tenant AND s.session_id = u.session_id AND s.version = u.expected
              AND u.ord IN (SELECT ord FROM lease)
            RETURNING u.ord)
        SELECT array_agg(w.ord IS NOT NULL ORDER BY o.ord) INTO v_took_effect
        FROM generate_series(1, v_count) AS o(ord) LEFT JOIN w ON w.ord = o.ord;
    END IF;
    IF coalesce(array_length(p_chain_sessions, 1), 0) > 0 THEN
        PERFORM safemcp_chain_append(p_tenant, p_genesis, p_chain_sessions, p_chain_versions, p_chain_epochs, p_sequences,
            p_tools, p_verdicts, p_reasons, p_techniques, p_decided_by, p_withheld, p_arguments, p_thoughts, p_decided_at,
            p_heads, p_tails);
    END IF;
    RETURN v_took_effect;
END $$;
