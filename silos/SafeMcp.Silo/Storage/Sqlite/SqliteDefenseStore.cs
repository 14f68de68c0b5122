using System.Globalization;
using Microsoft.Data.Sqlite;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Silo.Storage.Sqlite;

/// <summary>
/// Tenant-level defense state in the embedded database: tool pins and grants. Written only on session open and by the
/// admin API (never per decision); the gates keep what they read in memory.
/// </summary>
internal sealed class SqliteDefenseStore(string path) : IToolRegistryStore, IGrantStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task<IReadOnlyList<ToolPin>> LoadServerAsync(string tenantId, string server, CancellationToken cancellationToken) =>
        await ReadPinsAsync("tenant_id = $t AND server = $s", tenantId, server, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<ToolPin>> ListAsync(string tenantId, string? server, CancellationToken cancellationToken) =>
        await ReadPinsAsync(server is null ? "tenant_id = $t" : "tenant_id = $t AND server = $s", tenantId, server, cancellationToken).ConfigureAwait(false);

    private async Task<List<ToolPin>> ReadPinsAsync(string where, string tenantId, string? server, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT server, tool, status, reason, approved_hash, observed_hash, definition, updated_at FROM tool_registry WHERE {where} ORDER BY server, tool";
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$s", (object?)server ?? DBNull.Value);
        var pins = new List<ToolPin>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pins.Add(new ToolPin(tenantId, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetString(6), Time(reader.GetString(7))));
        }
        return pins;
    }

    public async Task SaveAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pin in pins)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO tool_registry (tenant_id, server, tool, status, reason, approved_hash, observed_hash, definition, updated_at)
                VALUES ($t, $s, $n, $st, $r, $a, $o, $d, $u)
                ON CONFLICT (tenant_id, server, tool) DO UPDATE SET status = excluded.status, reason = excluded.reason,
                    approved_hash = excluded.approved_hash, observed_hash = excluded.observed_hash, definition = excluded.definition, updated_at = excluded.updated_at
                """;
            command.Parameters.AddWithValue("$t", pin.TenantId);
            command.Parameters.AddWithValue("$s", pin.Server);
            command.Parameters.AddWithValue("$n", pin.Tool);
            command.Parameters.AddWithValue("$st", pin.Status);
            command.Parameters.AddWithValue("$r", (object?)pin.Reason ?? DBNull.Value);
            command.Parameters.AddWithValue("$a", (object?)pin.ApprovedHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$o", pin.ObservedHash);
            command.Parameters.AddWithValue("$d", pin.DefinitionJson);
            command.Parameters.AddWithValue("$u", pin.UpdatedAt.ToString("O"));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<GrantPolicy> LoadPolicyAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tools, capabilities FROM grant_policies WHERE tenant_id = $t";
        command.Parameters.AddWithValue("$t", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new GrantPolicy(AuditColumns.ParseList(reader.GetString(0)), AuditColumns.ParseList(reader.GetString(1)))
            : new GrantPolicy([], []);
    }

    public async Task SavePolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO grant_policies (tenant_id, tools, capabilities, updated_at) VALUES ($t, $tools, $caps, $u)
            ON CONFLICT (tenant_id) DO UPDATE SET tools = excluded.tools, capabilities = excluded.capabilities, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$tools", AuditColumns.List(policy.Tools));
        command.Parameters.AddWithValue("$caps", AuditColumns.List(policy.Capabilities));
        command.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Grant>> LoadGrantsAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT grant_id, session_id, tool, capability, task, created_at, expires_at, revoked_at
            FROM grants WHERE tenant_id = $t AND expires_at >= $since ORDER BY created_at
            """;
        command.Parameters.AddWithValue("$t", tenantId);
        // ISO-8601 UTC strings order as the instants they name.
        command.Parameters.AddWithValue("$since", since.ToUniversalTime().ToString("O"));
        var grants = new List<Grant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            grants.Add(new Grant(reader.GetString(0), tenantId, reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), Time(reader.GetString(5)), Time(reader.GetString(6)), reader.IsDBNull(7) ? null : Time(reader.GetString(7))));
        }
        return grants;
    }

    public async Task SaveGrantAsync(Grant grant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO grants (tenant_id, grant_id, session_id, tool, capability, task, created_at, expires_at, revoked_at)
            VALUES ($t, $g, $s, $tool, $cap, $task, $c, $e, $r)
            ON CONFLICT (tenant_id, grant_id) DO UPDATE SET revoked_at = excluded.revoked_at, expires_at = excluded.expires_at
            """;
        command.Parameters.AddWithValue("$t", grant.TenantId);
        command.Parameters.AddWithValue("$g", grant.GrantId);
        command.Parameters.AddWithValue("$s", grant.SessionId);
        command.Parameters.AddWithValue("$tool", (object?)grant.Tool ?? DBNull.Value);
        command.Parameters.AddWithValue("$cap", (object?)grant.Capability ?? DBNull.Value);
        command.Parameters.AddWithValue("$task", grant.Task);
        command.Parameters.AddWithValue("$c", grant.CreatedAt.ToUniversalTime().ToString("O"));
        command.Parameters.AddWithValue("$e", grant.ExpiresAt.ToUniversalTime().ToString("O"));
        command.Parameters.AddWithValue("$r", grant.RevokedAt is { } r ? r.ToUniversalTime().ToString("O") : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout=5000";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException("The embedded database cannot be opened.", error);
        }
    }
}
