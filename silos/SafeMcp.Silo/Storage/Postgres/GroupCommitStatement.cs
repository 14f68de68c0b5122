using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// The last statement of a tenant's group in a group commit's first round trip: <c>safemcp_commit_writes_keyed</c>
/// (migration 0008) applies the group's common writes with one UPDATE over arrays, fenced like
/// <see cref="SessionWriteStatement"/> and looking each write's lease and session row up by key; then, for the group's
/// decisions, says which belong to writes that took effect and, when any does, locks and returns the tenant's chain head,
/// which the silo links them after (<see cref="ChainInsertStatement"/>). Its row is <see cref="GroupCommitAnswer"/>.
/// </summary>
internal static class GroupCommitStatement
{
    private const string Sql = "SELECT o_applied, o_linked, o_length, o_hash FROM safemcp_commit_writes_keyed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

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
        var chainSessions = audited.Select(w => w.SessionId).ToArray();
        var chainVersions = audited.Select(w => w.NewVersion).ToArray();
        var chainEpochs = audited.Select(w => w.Epoch).ToArray();
        return TenantBatch.Statement(Sql, tenantId, AuditChain.Genesis, sessions, expected, versions, epochs, states, chainSessions, chainVersions, chainEpochs);
    }

    /// <summary>Reads the statement's row: the common writes that took effect, the decisions to link, and the locked head (when any is).</summary>
    public static async Task<GroupCommitAnswer> ReadAsync(NpgsqlDataReader reader, int common, int audited, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var applied = Applied(reader.GetFieldValue<long[]>(0), common);
        var linked = reader.GetFieldValue<bool[]>(1);
        if (linked.Length != audited)
        {
            throw new InvalidOperationException($"The group commit reported {linked.Length} decisions, of {audited}.");
        }
        var head = await reader.IsDBNullAsync(2, cancellationToken).ConfigureAwait(false)
            ? ((long, string)?)null
            : (reader.GetInt64(2), reader.GetString(3));
        return new GroupCommitAnswer(applied, linked, head);
    }
}
