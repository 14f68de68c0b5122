using Npgsql;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Cluster.Tests;

/// <summary>The tamper-evident audit chain in the cluster's database, checked with <c>safemcp audit verify --postgres</c>.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class AuditChainClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Decisions_committed_through_two_silos_form_one_chain_that_tampering_breaks()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 2);
        var (tenant, key) = await cluster.CreateTenantAsync("chain");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, TimeSpan.FromSeconds(60));
        using var client = TestCluster.Client(key, cluster.Silos[0]);
        var sessions = Enumerable.Range(0, 12).Select(i => $"chain-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
        }
        Assert.Equal(2, (await cluster.LeaseOwnersAsync(tenant)).Values.Distinct().Count()); // both silos commit for the tenant

        const int perSession = 8;
        await Task.WhenAll(sessions.Select(async session =>
        {
            for (var i = 0; i < perSession; i++)
            {
                await client.DecideAsync(session, new DecideRequest(i % 2 == 0 ? "read_notes" : "http_post"));
            }
        }));
        var rows = sessions.Length * perSession;

        var (intact, intactOutput) = await VerifyAsync(cluster, tenant);
        Assert.True(intact == 0, intactOutput);
        Assert.Contains($"{tenant}: intact, {rows} rows", intactOutput);
        var (exported, jsonl) = await SafemcpCli.RunAsync("audit", "export", "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, "--tenant", tenant, "--format", "jsonl");
        Assert.Equal(0, exported);
        Assert.Equal(rows, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (cefExported, cef) = await SafemcpCli.RunAsync("audit", "export", "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, "--tenant", tenant, "--format", "cef");
        Assert.Equal(0, cefExported);
        Assert.StartsWith("CEF:0|SafeMCP|SafeMCP Cluster|", cef);

        // The same log as training rows: each session's initial check, then one row a decision.
        var trajectories = Path.Combine(Path.GetTempPath(), $"safemcp-trajectories-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (trained, trainOutput) = await SafemcpCli.RunAsync("export-trajectories", "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, "--tenant", tenant, "--out", trajectories);
            Assert.True(trained == 0, trainOutput);
            Assert.Contains($"Wrote {sessions.Length + rows} rows of {sessions.Length} sessions", trainOutput);
            var exportedRows = SafeMcp.WorldModel.Data.TrajectoryJsonl.Read(trajectories);
            Assert.Equal(sessions.Length, exportedRows.Count(r => r.Input.Current is null));
            Assert.Equal(rows / 2, exportedRows.Count(r => r.Input.Current?.Action == "http_post"));
        }
        finally
        {
            File.Delete(trajectories);
        }
        var (noTenant, noTenantOutput) = await SafemcpCli.RunAsync("export-trajectories", "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, "--out", trajectories);
        Assert.Equal(2, noTenant);
        Assert.Contains("--postgres needs --tenant", noTenantOutput);
        Assert.False(File.Exists(trajectories));

        // Modified: the row is named.
        var verdict = await TamperAsync(cluster, tenant, "UPDATE decisions SET verdict = 'deny' WHERE tenant_id = $1 AND chain_index = 5 RETURNING (SELECT verdict FROM decisions WHERE tenant_id = $1 AND chain_index = 5)");
        var (modified, modifiedOutput) = await VerifyAsync(cluster, tenant);
        Assert.Equal(1, modified);
        Assert.Contains("row 5 (", modifiedOutput);
        await TamperAsync(cluster, tenant, $"UPDATE decisions SET verdict = '{verdict}' WHERE tenant_id = $1 AND chain_index = 5 RETURNING verdict");
        Assert.Equal(0, (await VerifyAsync(cluster, tenant)).ExitCode);

        // Reordered: rows 3 and 4 swap places (through a free index: chain indexes are unique).
        await SwapAsync(cluster, tenant, 3, 4);
        var (reordered, reorderedOutput) = await VerifyAsync(cluster, tenant);
        Assert.Equal(1, reordered);
        Assert.Contains("row 3 (", reorderedOutput);
        await SwapAsync(cluster, tenant, 3, 4);
        Assert.Equal(0, (await VerifyAsync(cluster, tenant)).ExitCode);

        // Deleted: the gap is named.
        await TamperAsync(cluster, tenant, "DELETE FROM decisions WHERE tenant_id = $1 AND chain_index = 7 RETURNING verdict");
        var (deleted, deletedOutput) = await VerifyAsync(cluster, tenant);
        Assert.Equal(1, deleted);
        Assert.Contains("rows 7..7 of the chain are missing", deletedOutput);
    }

    private static Task<(int ExitCode, string Output)> VerifyAsync(TestCluster cluster, string tenant) =>
        SafemcpCli.RunAsync("audit", "verify", "--postgres", cluster.ConnectionString, "--audit-keys", cluster.AuditKeyFile, "--tenant", tenant);

    private async Task SwapAsync(TestCluster cluster, string tenant, long first, long second)
    {
        await TamperAsync(cluster, tenant, $"UPDATE decisions SET chain_index = -1 WHERE tenant_id = $1 AND chain_index = {first} RETURNING verdict");
        await TamperAsync(cluster, tenant, $"UPDATE decisions SET chain_index = {first} WHERE tenant_id = $1 AND chain_index = {second} RETURNING verdict");
        await TamperAsync(cluster, tenant, $"UPDATE decisions SET chain_index = {second} WHERE tenant_id = $1 AND chain_index = -1 RETURNING verdict");
    }

    /// <summary>
    /// Changes one row behind the service's back: as the superuser when the server's directory is known, else as the
    /// application role (the tables' owner) under the tenant. Returns the statement's one value; fails unless one row changed.
    /// </summary>
    private async Task<string> TamperAsync(TestCluster cluster, string tenant, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.SuperuserConnectionString ?? cluster.ConnectionString);
        await using var transaction = postgres.SuperuserConnectionString is null
            ? await TestCluster.BeginAsTenantAsync(connection, tenant)
            : await OpenAsync(connection);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        var values = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetString(0));
            }
        }
        await transaction.CommitAsync();
        return Assert.Single(values);
    }

    private static async Task<NpgsqlTransaction> OpenAsync(NpgsqlConnection connection)
    {
        await connection.OpenAsync();
        return await connection.BeginTransactionAsync();
    }
}
