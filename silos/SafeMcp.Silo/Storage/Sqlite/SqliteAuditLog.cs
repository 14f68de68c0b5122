using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>Reads the audit log of the embedded database for verification and export (never while deciding).</summary>
internal sealed class SqliteAuditLog(string path)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadOnly,
    }.ToString();

    /// <summary>The tenants that have decisions or a chain head.</summary>
    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id FROM decisions UNION SELECT tenant_id FROM audit_chain_heads ORDER BY 1";
        var tenants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }
        return tenants;
    }

    /// <summary>Verifies a tenant's chain against its head.</summary>
    public async Task<(AuditVerification Result, long Unchained)> VerifyAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        long length = 0;
        string? head = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT length, head_hash FROM audit_chain_heads WHERE tenant_id = $t";
            command.Parameters.AddWithValue("$t", tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                length = reader.GetInt64(0);
                head = reader.GetString(1);
            }
        }
        long unchained;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM decisions WHERE tenant_id = $t AND chain_index IS NULL";
            command.Parameters.AddWithValue("$t", tenantId);
            unchained = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        var rows = new List<(AuditChainEntry, string)>();
        await foreach (var row in ReadAsync(connection, tenantId, cancellationToken).ConfigureAwait(false))
        {
            rows.Add((row.Entry, row.ChainHash));
        }
        return (AuditChain.Verify(tenantId, rows, length, head), unchained);
    }

    /// <summary>A tenant's chained decisions in chain order, with their outcome columns.</summary>
    public async IAsyncEnumerable<AuditLogRow> ReadAsync(string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var row in ReadAsync(connection, tenantId, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<AuditLogRow> ReadAsync(SqliteConnection connection, string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT session_id, sequence, chain_index, tool, verdict, reasons, techniques, decided_by, withheld, arguments, thought, decided_at,
                   chain_hash, outcome_is_error, outcome_bytes, outcome_taint
            FROM decisions WHERE tenant_id = $t AND chain_index IS NOT NULL ORDER BY chain_index
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = new AuditChainEntry(tenantId, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetString(11));
            yield return new AuditLogRow(entry, reader.IsDBNull(12) ? string.Empty : reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetInt64(13) != 0, reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.IsDBNull(15) ? null : reader.GetString(15));
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No database at {path}.", path);
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}

/// <summary>One audit row: the chained decision, its stored hash and its (unchained) outcome columns.</summary>
internal sealed record AuditLogRow(AuditChainEntry Entry, string ChainHash, bool? OutcomeIsError, long? OutcomeBytes, string? OutcomeTaint);
