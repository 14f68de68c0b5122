using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// The last statement of a tenant's group in a group-commit batch: <c>safemcp_commit_writes</c> (migrations 0007, 0008) applies
/// the group's common writes with one UPDATE over arrays, fenced like <see cref="SessionWriteStatement"/> and looking
/// each write's lease and session row up by key, then links the group's decisions to the tenant's audit chain
/// (<see cref="AuditChainArrays"/>). It returns the positions (1-based, in the order given) of the common writes that
/// took effect (<see cref="Applied"/>).
/// </summary>
internal static class GroupCommitStatement
{
    private static readonly string Sql = "SELECT safemcp_commit_writes("
        + string.Join(", ", Enumerable.Range(1, 7 + AuditChainArrays.ValueCount).Select(i => "$" + i)) + ")";

    /// <summary>
    /// Which of <paramref name="count"/> common writes took effect, from the positions the statement returned. A position
    /// out of range means the server and the silo disagree on the statement: an error, so the batch fails closed.
    /// </summary>
    public static bool[] Applied(long[] positions, int count)
    {
        var applied = new bool[count];
        foreach (var position in positions)
        {
            if (position < 1 || position > count)
            {
                throw new InvalidOperationException($"The group commit reported write {position} applied, of {count}.");
            }
            applied[position - 1] = true;
        }
        return applied;
    }

    /// <summary>
    /// Whether <paramref name="write"/> can go in the set-based update: its session exists and only its state changes.
    /// A new session, a changed definition and an outcome keep their own statement (<see cref="SessionWriteStatement"/>).
    /// </summary>
    public static bool IsCommon(SessionWrite write) =>
        write.ExpectedVersion > 0 && write.DefinitionJson is null && write.Outcome is null;

    /// <summary>
    /// The statement for a tenant's <paramref name="common"/> writes (each of a different session, see
    /// <see cref="IsCommon"/>) and the decisions of <paramref name="audited"/> (the group's writes with an audit record,
    /// in batch order), or null when both are empty.
    /// </summary>
    public static NpgsqlBatchCommand? For(string tenantId, IReadOnlyList<SessionWrite> common, IReadOnlyList<SessionWrite> audited)
    {
        if (common.Count == 0 && audited.Count == 0)
        {
            return null;
        }
        var n = common.Count;
        var sessions = new string[n];
        var expected = new long[n];
        var versions = new long[n];
        var epochs = new long[n];
        var states = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            var write = common[i];
            sessions[i] = write.SessionId;
            expected[i] = write.ExpectedVersion;
            versions[i] = write.NewVersion;
            epochs[i] = write.Epoch;
            // The grain's UTF-8 bytes; the server reads them as text (convert_from refuses bytes that are not UTF-8).
            states[i] = write.StateUtf8;
        }
        object?[] values = [tenantId, AuditChain.Genesis, sessions, expected, versions, epochs, states,
            .. AuditChainArrays.Values(tenantId, audited)];
        return TenantBatch.Statement(Sql, values);
    }
}
