-- SafeMCP Cluster, cluster storage (PostgreSQL), schema version 7: a group-commit statement that looks each write's
-- rows up by key. safemcp_commit_group (version 6) joined a group's arrays (a few dozen writes) with the tenant's
-- leases and sessions, and the planner was free to turn those joins around: with statistics taken while the tables
-- were small (or never), it scanned every lease and every session of the tenant and hashed the group's rows, thousands
-- of rows read for a group of eight, more with every session (in the cluster benchmark with 5,000 sessions, half of
-- PostgreSQL's processor time).
--
-- safemcp_commit_writes takes the same arguments and applies the same writes under the same conditions (the stored
-- version is the one the turn started from; the writer's lease epoch is current, its lease row share-locked until the
-- transaction ends so no takeover commits in between), then links the group's decisions (safemcp_chain_append). Each
-- write's lease and session row are looked up by key, one index probe each, whatever the statistics say: the lease
-- check is a lateral subquery that locks its row (which the planner keeps as a subquery run for each write), and the
-- function plans without hash joins, merge joins, bitmap or sequential scans, which leaves nested loops over the
-- primary keys. It returns the positions (1-based, in the order given) of the writes that took effect, so nothing
-- joins the list of writes with itself (as a nested loop, that join grew with the square of a batch).
-- safemcp_commit_group stays for silos of the previous version.
CREATE OR REPLACE FUNCTION safemcp_commit_writes(
    p_tenant text, p_genesis text,
    p_sessions text[], p_expected bigint[], p_versions bigint[], p_epochs bigint[], p_states bytea[],
    p_chain_sessions text[], p_chain_versions bigint[], p_chain_epochs bigint[], p_sequences bigint[],
    p_tools text[], p_verdicts text[], p_reasons text[], p_techniques text[], p_decided_by text[], p_withheld text[],
    p_arguments text[], p_thoughts text[], p_decided_at timestamptz[], p_heads bytea[], p_tails bytea[])
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
            p_heads, p_tails);
    END IF;
    RETURN v_applied;
END $$;

-- The audit chain's check of which writes took effect joins the group's decisions with their session rows: by key too.
-- (A later CREATE OR REPLACE of safemcp_chain_append drops these settings unless it states them again.)
ALTER FUNCTION safemcp_chain_append(text, text, text[], bigint[], bigint[], bigint[], text[], text[], text[], text[], text[],
    text[], text[], text[], timestamptz[], bytea[], bytea[])
    SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off SET enable_seqscan = off;
