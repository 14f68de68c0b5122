using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// One <see cref="SessionWrite"/> that is not a common one (<see cref="GroupCommitStatement.IsCommon"/>) as a single statement: the session row changes only when its version is
/// the expected one AND the writer's lease epoch is the current one (the fence); an outcome is written only if the
/// session row was. The decision's audit row is not written here: <see cref="GroupCommitStatement"/> links and inserts
/// the batch's decisions at its end, for the writes that took effect. The statement returns 1 when the write took effect, 0 when stale.
/// Being one statement, a stale write leaves the rest of a group-commit transaction untouched.
/// The group commit sends the whole batch at once (one implicit transaction), so a silo frozen after sending it
/// cannot hold its transaction open: the server commits it or not without waiting for the silo.
/// </summary>
internal static class SessionWriteStatement
{
    /// <summary>The statement for <paramref name="write"/>; an outcome is sealed under the current key of <paramref name="keys"/>.</summary>
    public static NpgsqlBatchCommand For(SessionWrite write, AuditKeyRing? keys)
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
        // The state goes over as the UTF-8 bytes the grain wrote (bytea) and the server reads them as text: no string on
        // this side, no second encoding by the driver; convert_from refuses bytes that are not UTF-8.
        var state = $"convert_from({P(write.StateUtf8)}, 'UTF8')";

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
        if (write.Outcome is { } outcome)
        {
            sql.Append($"""
                , o AS (UPDATE decisions SET outcome_is_error = {P(outcome.IsError)}, outcome_bytes = {P(outcome.ResultBytes)},
                             outcome_taint = {P(outcome.TaintFound)}, observation = {P(outcome.ObservationExcerpt)},
                             outcome_mac = {P(AuditChain.SealOutcome(keys ?? throw new InvalidOperationException("An outcome needs the audit keys."), write.TenantId, write.SessionId, outcome.Sequence,
                                 new AuditOutcome(outcome.IsError, outcome.ResultBytes, outcome.TaintFound, outcome.ObservationExcerpt)))}
                      WHERE tenant_id = {t} AND session_id = {s} AND sequence = {P(outcome.Sequence)} AND EXISTS (SELECT 1 FROM w) RETURNING 1)
                """);
        }
        sql.Append(" SELECT count(*)::int FROM w");
        return TenantBatch.Statement(sql.ToString(), values.ToArray());
    }
}
