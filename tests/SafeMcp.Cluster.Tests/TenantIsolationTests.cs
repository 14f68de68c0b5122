using Npgsql;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TenantIsolationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_tenant_cannot_read_or_change_another_tenants_session_through_the_api_or_with_sql()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 2);
        var (tenantA, keyA) = await cluster.CreateTenantAsync("tenant-a");
        var (tenantB, keyB) = await cluster.CreateTenantAsync("tenant-b");
        await TestCluster.WaitForMembersAsync(keyA, cluster.Silos, TimeSpan.FromSeconds(60));

        using var a = TestCluster.Client(keyA, cluster.Silos[0]);
        using var b = TestCluster.Client(keyB, cluster.Silos[1]);
        const string session = "shared-name";
        await a.OpenSessionAsync(TestCluster.Session(session));
        await a.DecideAsync(session, new DecideRequest("read_notes"));

        var read = await Assert.ThrowsAsync<SafeMcpException>(() => b.GetSessionAsync(session));
        Assert.Equal(404, read.StatusCode);
        var decide = await Assert.ThrowsAsync<SafeMcpException>(() => b.ReportOutcomeAsync(session, new OutcomeReport(1, false, "secret AKIAABCDEFGHIJKLMNOP", 10)));
        Assert.Equal(404, decide.StatusCode);
        // B opening the same name gets its own session; A's is untouched.
        await b.OpenSessionAsync(new OpenSessionRequest(session, null, [new ToolDescriptor("delete_everything")]));
        var snapshotA = await a.GetSessionAsync(session);
        Assert.Equal(1, snapshotA.Sequence);
        Assert.Equal(["http_post", "read_notes"], snapshotA.View.VisibleTools.Order());

        // The application role itself: no tenant set, nothing visible; tenant B set, none of A's rows.
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { "tenants", "api_keys", "sessions", "decisions", "leases" })
        {
            Assert.Equal(0L, await ScalarAsync(connection, null, $"SELECT count(*) FROM {table}"));
            Assert.Equal(0L, await ScalarAsync(connection, tenantB, $"SELECT count(*) FROM {table} WHERE tenant_id = '{tenantA}'"));
        }
        Assert.Equal(1L, await ScalarAsync(connection, tenantA, "SELECT count(*) FROM decisions"));
        Assert.Equal(1L, await ScalarAsync(connection, tenantB, "SELECT count(*) FROM sessions"));
        var write = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, tenantB,
            $"INSERT INTO sessions (tenant_id, session_id, definition, state, version) VALUES ('{tenantA}', 'planted', '{{}}', '{{}}', 1) RETURNING 1"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string? tenant, string sql)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        if (tenant is not null)
        {
            await using var scope = new NpgsqlCommand("SELECT set_config('safemcp.tenant', $1, true)", connection, transaction);
            scope.Parameters.Add(new NpgsqlParameter { Value = tenant });
            await scope.ExecuteScalarAsync();
        }
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.RollbackAsync();
        return value;
    }
}
