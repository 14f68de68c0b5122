using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// The audit-chain part of a tenant's group in a group-commit batch: the arrays <c>safemcp_chain_append</c> (migrations
/// 0004 and 0007, called by <c>safemcp_commit_writes</c>) takes to link the group's decisions to the tenant's audit chain,
/// in batch order, and insert their rows — only those whose session write took effect. Only the linking locks the
/// tenant's chain head, so batches of different silos (and a silo's overlapping transactions) run their session writes
/// in parallel and wait on each other only for the linking and the commit. The silo computes each row's hashed text
/// around the chain index (<see cref="AuditChain.Parts"/>), so the database and <c>safemcp audit verify</c> hash the same bytes.
/// </summary>
internal static class AuditChainArrays
{
    /// <summary>How many values <see cref="Values"/> gives.</summary>
    public const int ValueCount = 16;

    /// <summary>
    /// The arrays for <paramref name="writes"/> (all of one tenant, each with an audit record; none gives empty arrays):
    /// sessions, versions, epochs, sequences, tools, verdicts, reasons, techniques, decided by, withheld, arguments,
    /// thoughts, decision times, the hashed text's parts before and after the chain index, and servers (migration 0008).
    /// </summary>
    public static object[] Values(string tenantId, IReadOnlyList<SessionWrite> writes)
    {
        var n = writes.Count;
        var sessions = new string[n];
        var versions = new long[n];
        var epochs = new long[n];
        var sequences = new long[n];
        var tools = new string[n];
        var verdicts = new string[n];
        var reasons = new string[n];
        var techniques = new string[n];
        var decidedBy = new string[n];
        var withheld = new string[n];
        var arguments = new string[n];
        var thoughts = new string?[n];
        var decidedAt = new DateTimeOffset[n];
        var heads = new byte[n][];
        var tails = new byte[n][];
        var servers = new string[n];
        for (var i = 0; i < n; i++)
        {
            var write = writes[i];
            var audit = write.Audit ?? throw new ArgumentException("Every write linked to the audit chain carries an audit record.", nameof(writes));
            var entry = Entry(tenantId, write.SessionId, audit);
            var parts = AuditChain.Parts(entry);
            sessions[i] = write.SessionId;
            versions[i] = write.NewVersion;
            epochs[i] = write.Epoch;
            sequences[i] = entry.Sequence;
            tools[i] = entry.Tool;
            verdicts[i] = entry.Verdict;
            reasons[i] = entry.Reasons;
            techniques[i] = entry.Techniques;
            decidedBy[i] = entry.DecidedBy;
            withheld[i] = entry.Withheld;
            arguments[i] = entry.Arguments;
            thoughts[i] = entry.Thought;
            decidedAt[i] = DecidedAt(audit.Decision);
            heads[i] = parts.Head;
            tails[i] = parts.Tail;
            servers[i] = entry.Server;
        }
        return [sessions, versions, epochs, sequences, tools, verdicts, reasons, techniques, decidedBy, withheld, arguments, thoughts, decidedAt, heads, tails, servers];
    }

    /// <summary>The decision as the chain covers it, in the form it is stored and read back (see <see cref="DecidedAt"/>).</summary>
    private static AuditChainEntry Entry(string tenantId, string sessionId, AuditRecord audit)
    {
        var d = audit.Decision;
        return new AuditChainEntry(tenantId, sessionId, d.Sequence, 0, d.Tool, AuditColumns.VerdictName(d.Verdict),
            AuditColumns.List(d.Reasons), AuditColumns.List(d.Techniques), AuditColumns.List(d.DecidedBy), AuditColumns.List(d.WithheldTools),
            audit.ArgumentsJson, audit.Thought, AuditColumns.PostgresTimestampText(DecidedAt(d)), d.Server ?? Contracts.SessionKeys.DefaultServer);
    }

    /// <summary>The decision time as <c>timestamptz</c> keeps it: UTC, whole microseconds.</summary>
    private static DateTimeOffset DecidedAt(Contracts.Decision decision) => AuditColumns.ToPostgresTimestamp(decision.DecidedAt);
}
