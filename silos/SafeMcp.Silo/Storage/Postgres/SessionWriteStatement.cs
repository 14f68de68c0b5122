using Npgsql;
using NpgsqlTypes;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// One <see cref="SessionWrite"/> as a single statement: the session row changes only when its version is
/// the expected one AND the writer's lease epoch is the current one (the fence); the audit row or outcome
/// is written only if the session row was. The statement returns 1 when the write took effect, 0 when stale.
/// Being one statement, a stale write leaves the rest of a group-commit transaction untouched.
/// The group commit sends the whole batch at once (one implicit transaction), so a silo frozen after sending it
/// cannot hold its transaction open: the server commits it or not without waiting for the silo.
/// </summary>
internal static class SessionWriteStatement
{
    public static NpgsqlBatchCommand For(SessionWrite write)
    {
        var values = new List<object?>();
        string P(object? value)
        {
            values.Add(value);
            return "$" + values.Count;
        }
        var t = P(write.TenantId);
        var s = P(write.SessionId);
        var e = P(write.Epoch);
        var v = P(write.NewVersion);
        var state = P(write.StateJson);

        var sql = new System.Text.StringBuilder();
        // FOR SHARE: a takeover (an UPDATE of this lease row) waits until this write's transaction ends, so no
        // write checked under the old epoch can commit after another silo holds the lease.
        sql.Append($"WITH lease AS (SELECT 1 FROM leases WHERE tenant_id = {t} AND grain_key = {s} AND epoch = {e} FOR SHARE), ");
        if (write.ExpectedVersion == 0)
        {
            var definition = P(write.DefinitionJson ?? "{}");
            sql.Append($"""
                w AS (INSERT INTO sessions (tenant_id, session_id, definition, state, version, epoch)
                      SELECT {t}, {s}, {definition}, {state}, {v}, {e} WHERE EXISTS (SELECT 1 FROM lease)
                      ON CONFLICT DO NOTHING RETURNING 1)
                """);
        }
        else
        {
            var expected = P(write.ExpectedVersion);
            var definition = write.DefinitionJson is null ? "definition" : P(write.DefinitionJson);
            sql.Append($"""
                w AS (UPDATE sessions SET definition = {definition}, state = {state}, version = {v}, epoch = {e}, updated_at = now()
                      WHERE tenant_id = {t} AND session_id = {s} AND version = {expected} AND EXISTS (SELECT 1 FROM lease)
                      RETURNING 1)
                """);
        }
        if (write.Audit is { } audit)
        {
            // The audit chain is linked here, in the statement, under the tenant's head row: the upsert advances the head
            // and locks it until the batch commits, so silos committing for one tenant link one after another, and a
            // stale write (w empty) neither takes an index nor touches the head. Nothing is kept in memory between batches.
            var entry = AuditEntry(write.TenantId, write.SessionId, audit);
            var parts = AuditChain.Parts(entry);
            var head = P(parts.Head);
            var tail = P(parts.Tail);
            sql.Append($"""
                , h AS (INSERT INTO audit_chain_heads AS c (tenant_id, length, head_hash)
                      SELECT {t}, 1, safemcp_chain_link('{AuditChain.Genesis}', 1, {head}, {tail}) FROM w
                      ON CONFLICT (tenant_id) DO UPDATE SET length = c.length + 1, head_hash = safemcp_chain_link(c.head_hash, c.length + 1, {head}, {tail})
                      RETURNING length, head_hash)
                , a AS (INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, epoch, chain_index, chain_hash)
                      SELECT {t}, {s}, {P(entry.Sequence)}, {P(entry.Tool)}, {P(entry.Verdict)}, {P(entry.Reasons)},
                             {P(entry.Techniques)}, {P(entry.DecidedBy)}, {P(entry.Withheld)},
                             {P(entry.Arguments)}, {P(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)entry.Thought ?? DBNull.Value })},
                             {P(DecidedAt(audit.Decision))}, {e}, h.length, h.head_hash
                      FROM h RETURNING 1)
                """);
        }
        if (write.Outcome is { } outcome)
        {
            sql.Append($"""
                , o AS (UPDATE decisions SET outcome_is_error = {P(outcome.IsError)}, outcome_bytes = {P(outcome.ResultBytes)},
                             outcome_taint = {P(outcome.TaintFound)}, observation = {P(outcome.ObservationExcerpt)}
                      WHERE tenant_id = {t} AND session_id = {s} AND sequence = {P(outcome.Sequence)} AND EXISTS (SELECT 1 FROM w) RETURNING 1)
                """);
        }
        sql.Append(" SELECT count(*)::int FROM w");
        return TenantBatch.Statement(sql.ToString(), values.ToArray());
    }

    /// <summary>The decision as the chain covers it, in the form it is stored and read back (see <see cref="DecidedAt"/>).</summary>
    private static AuditChainEntry AuditEntry(string tenantId, string sessionId, AuditRecord audit)
    {
        var d = audit.Decision;
        return new AuditChainEntry(tenantId, sessionId, d.Sequence, 0, d.Tool, AuditColumns.VerdictName(d.Verdict),
            AuditColumns.List(d.Reasons), AuditColumns.List(d.Techniques), AuditColumns.List(d.DecidedBy), AuditColumns.List(d.WithheldTools),
            audit.ArgumentsJson, audit.Thought, AuditColumns.PostgresTimestampText(DecidedAt(d)));
    }

    /// <summary>The decision time as <c>timestamptz</c> keeps it: UTC, whole microseconds.</summary>
    private static DateTimeOffset DecidedAt(Contracts.Decision decision) => AuditColumns.ToPostgresTimestamp(decision.DecidedAt);
}
