using System.Data.Common;
using System.Runtime.CompilerServices;
using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// Reads a store's audit log for verification and export (never while deciding). The queries, the row reading and the
/// verification are the same for every store; a store says how it opens one consistent read of a tenant (its snapshot,
/// and on PostgreSQL the tenant that row-level security shows), how it reads a timestamp back as the chain hashed it,
/// and where it keeps the sessions' definitions.
/// </summary>
internal abstract class AuditLog
{
    private const string HeadQuery = "SELECT length, head_hash FROM audit_chain_heads WHERE tenant_id = $1";
    private const string UnchainedQuery = "SELECT COUNT(*) FROM decisions WHERE tenant_id = $1 AND chain_index IS NULL";
    private const string RowsQuery = """
        SELECT session_id, sequence, chain_index, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at,
               chain_hash, outcome_is_error, outcome_bytes, outcome_taint, server
        FROM decisions WHERE tenant_id = $1 AND chain_index IS NOT NULL ORDER BY chain_index
        """;

    private const string CallsQuery = """
        SELECT session_id, tool, verdict, withheld, arguments, thought, observation, outcome_is_error IS NOT NULL, server
        FROM decisions WHERE tenant_id = $1 ORDER BY session_id, sequence
        """;

    /// <summary>The store's query for a tenant's sessions' definitions: <c>session_id, definition</c>, tenant in <c>$1</c>.</summary>
    protected abstract string DefinitionsQuery { get; }

    /// <summary>Opens a connection with a transaction whose reads all see one snapshot of <paramref name="tenantId"/>'s rows.</summary>
    protected abstract Task<ReadScope> BeginReadAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>The store's parameter for <c>$1</c>.</summary>
    protected abstract DbParameter FirstParameter(object value);

    /// <summary>The <c>decided_at</c> column as the text the chain hashed.</summary>
    protected abstract string ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>Verifies a tenant's chain against its head (read in the same snapshot as the rows).</summary>
    public async Task<(AuditVerification Result, long Unchained)> VerifyAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var scope = await BeginReadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        long length = 0;
        string? head = null;
        await using (var command = Command(scope, HeadQuery, tenantId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                length = reader.GetInt64(0);
                head = reader.GetString(1);
            }
        }
        long unchained;
        await using (var command = Command(scope, UnchainedQuery, tenantId))
        {
            unchained = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        var rows = new List<(AuditChainEntry, string)>();
        await foreach (var row in ReadRowsAsync(scope, tenantId, cancellationToken).ConfigureAwait(false))
        {
            rows.Add((row.Entry, row.ChainHash));
        }
        return (AuditChain.Verify(tenantId, rows, length, head), unchained);
    }

    /// <summary>A tenant's chained decisions in chain order, with their outcome columns.</summary>
    public async IAsyncEnumerable<AuditLogRow> ReadAsync(string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = await BeginReadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        await foreach (var row in ReadRowsAsync(scope, tenantId, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// A tenant's sessions with their decided calls (chained or not), read in one snapshot: sessions with calls first, in
    /// session order, then those opened without a call. Decisions of a session with no definition are left out.
    /// </summary>
    public async IAsyncEnumerable<SessionHistory> ReadHistoriesAsync(string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = await BeginReadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = Command(scope, DefinitionsQuery, tenantId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                definitions[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = Command(scope, CallsQuery, tenantId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            string? session = null;
            var calls = new List<HistoryCall>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (id != session)
                {
                    if (session is not null && definitions.TryGetValue(session, out var previous))
                    {
                        yield return new SessionHistory(session, previous, calls);
                    }
                    session = id;
                    seen.Add(id);
                    calls = [];
                }
                calls.Add(new HistoryCall(reader.GetString(1), AuditColumns.ParseVerdict(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7), reader.GetString(8)));
            }
            if (session is not null && definitions.TryGetValue(session, out var last))
            {
                yield return new SessionHistory(session, last, calls);
            }
        }
        foreach (var (id, definition) in definitions.Where(d => !seen.Contains(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            yield return new SessionHistory(id, definition, []);
        }
    }

    private async IAsyncEnumerable<AuditLogRow> ReadRowsAsync(ReadScope scope, string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command(scope, RowsQuery, tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = new AuditChainEntry(tenantId, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10), ReadTimestamp(reader, 11), reader.GetString(16));
            yield return new AuditLogRow(entry, reader.IsDBNull(12) ? string.Empty : reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetBoolean(13), reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.IsDBNull(15) ? null : reader.GetString(15));
        }
    }

    private DbCommand Command(ReadScope scope, string sql, string tenantId)
    {
        var command = scope.Connection.CreateCommand();
        command.Transaction = scope.Transaction;
        command.CommandText = sql;
        command.Parameters.Add(FirstParameter(tenantId));
        return command;
    }

    /// <summary>An open connection and its read transaction; disposing ends both.</summary>
    protected sealed record ReadScope(DbConnection Connection, DbTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
