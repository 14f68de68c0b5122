using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>
/// Tenant-level defense state in the cluster's database, shared by every silo: tool pins and grants. Every operation is
/// one round trip under its tenant (row-level security); several statements are one implicit transaction. Written only
/// on session open and by the admin API (never per decision); the gates keep what they read in memory and re-read it
/// after their refresh interval, which bounds how long a change made through another silo takes to apply.
/// </summary>
internal sealed class PostgresDefenseStore(NpgsqlDataSource dataSource) : IToolRegistryStore, IGrantStore
{
    private const string PinColumns = "server, tool, status, reason, approved_hash, observed_hash, definition, updated_at";

    public Task<IReadOnlyList<ToolPin>> LoadServerAsync(string tenantId, string server, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, $"SELECT {PinColumns} FROM tool_registry WHERE tenant_id = $1 AND server = $2 ORDER BY server, tool", [tenantId, server],
            reader => ReadPin(tenantId, reader), cancellationToken);

    public Task<IReadOnlyList<ToolPin>> ListAsync(string tenantId, string? server, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, $"SELECT {PinColumns} FROM tool_registry WHERE tenant_id = $1 AND ($2::text IS NULL OR server = $2) ORDER BY server, tool", [tenantId, server],
            reader => ReadPin(tenantId, reader), cancellationToken);

    public Task SaveAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken) =>
        PostgresStorage.GuardAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // Pins come from one tenant; grouping keeps each under its own tenant all the same. One transaction a tenant.
            foreach (var tenant in pins.GroupBy(p => p.TenantId, StringComparer.Ordinal))
            {
                await TenantBatch.ExecuteAsync(connection, tenant.Key, tenant.Select(pin => TenantBatch.Statement("""
                    INSERT INTO tool_registry (tenant_id, server, tool, status, reason, approved_hash, observed_hash, definition, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (tenant_id, server, tool) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
                        approved_hash = EXCLUDED.approved_hash, observed_hash = EXCLUDED.observed_hash, definition = EXCLUDED.definition, updated_at = EXCLUDED.updated_at
                    """, pin.TenantId, pin.Server, pin.Tool, pin.Status, Text(pin.Reason), Text(pin.ApprovedHash), pin.ObservedHash, pin.DefinitionJson,
                    pin.UpdatedAt.ToUniversalTime())), cancellationToken).ConfigureAwait(false);
            }
        });

    public async Task<GrantPolicy> LoadPolicyAsync(string tenantId, CancellationToken cancellationToken)
    {
        var policies = await QueryAsync(tenantId, "SELECT tools, capabilities FROM grant_policies WHERE tenant_id = $1", [tenantId],
            reader => new GrantPolicy(AuditColumns.ParseList(reader.GetString(0)), AuditColumns.ParseList(reader.GetString(1))), cancellationToken).ConfigureAwait(false);
        return policies.Count > 0 ? policies[0] : new GrantPolicy([], []);
    }

    public Task SavePolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken) =>
        ExecuteAsync(tenantId, """
            INSERT INTO grant_policies (tenant_id, tools, capabilities, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (tenant_id) DO UPDATE SET tools = EXCLUDED.tools, capabilities = EXCLUDED.capabilities, updated_at = EXCLUDED.updated_at
            """, [tenantId, AuditColumns.List(policy.Tools), AuditColumns.List(policy.Capabilities)], cancellationToken);

    public Task<IReadOnlyList<Grant>> LoadGrantsAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken) =>
        // No lower bound for the earliest instant (.NET's minimum is below timestamptz's range).
        QueryAsync(tenantId, """
            SELECT grant_id, session_id, tool, capability, task, created_at, expires_at, revoked_at
            FROM grants WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR expires_at >= $2) ORDER BY created_at
            """, [tenantId, since == DateTimeOffset.MinValue ? null : since.ToUniversalTime()],
            reader => new Grant(reader.GetString(0), tenantId, reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)),
            cancellationToken);

    public Task SaveGrantAsync(Grant grant, CancellationToken cancellationToken) =>
        ExecuteAsync(grant.TenantId, """
            INSERT INTO grants (tenant_id, grant_id, session_id, tool, capability, task, created_at, expires_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (tenant_id, grant_id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, expires_at = EXCLUDED.expires_at
            """, [grant.TenantId, grant.GrantId, grant.SessionId, Text(grant.Tool), Text(grant.Capability), grant.Task,
                grant.CreatedAt.ToUniversalTime(), grant.ExpiresAt.ToUniversalTime(), grant.RevokedAt?.ToUniversalTime()], cancellationToken);

    private static ToolPin ReadPin(string tenantId, NpgsqlDataReader reader) => new(tenantId, reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7));

    // A null text parameter keeps its type, so '$n::text IS NULL' and the column's type agree.
    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private Task<IReadOnlyList<T>> QueryAsync<T>(string tenantId, string sql, object?[] values, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        PostgresStorage.GuardAsync<IReadOnlyList<T>>(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var reader = await TenantBatch.ReadAsync(connection, TenantBatch.SetTenant(tenantId), sql, values, cancellationToken).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
            return rows;
        });

    private Task ExecuteAsync(string tenantId, string sql, object?[] values, CancellationToken cancellationToken) =>
        PostgresStorage.GuardAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await TenantBatch.ExecuteAsync(connection, tenantId, [TenantBatch.Statement(sql, values)], cancellationToken).ConfigureAwait(false);
        });
}
