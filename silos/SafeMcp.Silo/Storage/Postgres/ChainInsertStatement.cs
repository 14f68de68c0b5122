using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// The second round trip of a group commit, for a tenant: the decisions whose writes took effect, MAC'd by the silo in
/// batch order after the head <see cref="GroupCommitStatement"/> locked (<see cref="AuditChain.Link"/>: the database never
/// sees the key), inserted with one statement that also advances the head.
/// </summary>
internal static class ChainInsertStatement
{
    private const string Sql = """
        WITH ins AS (
            INSERT INTO decisions (tenant_id, session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld,
                                   arguments, thought, decided_at, epoch, chain_index, chain_hash, key_id, server)
            SELECT $1, u.* FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                                       $10::text[], $11::text[], $12::timestamptz[], $13::bigint[], $14::bigint[], $15::text[], $16::text[], $19::text[])
                AS u(session_id, sequence, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at, epoch, chain_index, chain_hash, key_id, server)
            RETURNING 1)
        UPDATE audit_chain_heads SET length = $17, head_hash = $18 WHERE tenant_id = $1
        """;

    /// <summary>The statement for <paramref name="audited"/>'s decisions marked in <paramref name="linked"/>, linked after <paramref name="head"/>.</summary>
    public static NpgsqlBatchCommand For(string tenantId, AuditKeyRing keys, IReadOnlyList<SessionWrite> audited, bool[] linked, (long Length, string Hash) head)
    {
        var n = linked.Count(l => l);
        var sessions = new string[n];
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
        var epochs = new long[n];
        var indexes = new long[n];
        var hashes = new string[n];
        var keyIds = new string[n];
        var servers = new string[n];
        var (length, hash) = head;
        var row = 0;
        for (var i = 0; i < audited.Count; i++)
        {
            if (!linked[i])
            {
                continue;
            }
            var write = audited[i];
            var audit = write.Audit ?? throw new ArgumentException("Every write linked to the audit chain carries an audit record.", nameof(audited));
            var d = audit.Decision;
            var at = AuditColumns.ToPostgresTimestamp(d.DecidedAt);
            length++;
            var entry = new AuditChainEntry(tenantId, write.SessionId, d.Sequence, length, d.Tool, AuditColumns.VerdictName(d.Verdict),
                AuditColumns.List(d.Reasons), AuditColumns.List(d.Techniques), AuditColumns.List(d.DecidedBy), AuditColumns.List(d.WithheldTools),
                audit.ArgumentsJson, audit.Thought, AuditColumns.PostgresTimestampText(at), keys.CurrentKeyId, d.Server ?? Contracts.SessionKeys.DefaultServer);
            hash = AuditChain.Link(keys, hash, entry);
            sessions[row] = entry.SessionId;
            sequences[row] = entry.Sequence;
            tools[row] = entry.Tool;
            verdicts[row] = entry.Verdict;
            reasons[row] = entry.Reasons;
            techniques[row] = entry.Techniques;
            decidedBy[row] = entry.DecidedBy;
            withheld[row] = entry.Withheld;
            arguments[row] = entry.Arguments;
            thoughts[row] = entry.Thought;
            decidedAt[row] = at;
            epochs[row] = write.Epoch;
            indexes[row] = length;
            hashes[row] = hash;
            keyIds[row] = keys.CurrentKeyId;
            servers[row] = entry.Server;
            row++;
        }
        return TenantBatch.Statement(Sql, tenantId, sessions, sequences, tools, verdicts, reasons, techniques, decidedBy, withheld, arguments, thoughts,
            decidedAt, epochs, indexes, hashes, keyIds, length, hash, servers);
    }
}
