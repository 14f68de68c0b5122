using Npgsql;
using SafeMcp.Contracts;

namespace SafeMcp.Cluster.Tests;

/// <summary>The defenses' tenant-level state (tool pins, grants) is one state for the whole cluster, isolated per tenant.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SharedDefenseStateTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    /// <summary>The gates' refresh interval the silos run with: the documented bound on how long a change made through one silo takes to apply on another.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>Waited after a change: the bound, and a little for the clocks' granularity.</summary>
    private static readonly TimeSpan PastBound = Bound + TimeSpan.FromMilliseconds(100);

    private static readonly Dictionary<string, string> Configuration = new()
    {
        ["Defenses__Registry__RefreshInterval"] = Bound.ToString(),
        ["Defenses__Grants__RefreshInterval"] = Bound.ToString(),
    };

    [Fact]
    public async Task Tool_approved_and_grant_revoked_through_one_silo_apply_on_another_within_the_refresh_interval()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 2, Configuration);
        var (tenant, key) = await cluster.CreateTenantAsync("shared");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);
        var (siloA, siloB) = (cluster.Silos[0], cluster.Silos[1]);
        using var client = TestCluster.Client(key, siloA);
        using var viaB = TestCluster.Client(key, siloB, discover: false);
        using var adminA = new AdminApi(siloA, key);
        using var adminB = new AdminApi(siloB, key);

        // The server's first list is pinned; then its read_file changes (a rug pull) in sessions spread over both silos.
        await client.OpenSessionAsync(new OpenSessionRequest("first", null, Tools("Read a file."), "files"));
        var pulled = Enumerable.Range(0, 16).Select(i => $"pulled-{i}").ToArray();
        foreach (var session in pulled)
        {
            await client.OpenSessionAsync(new OpenSessionRequest(session, null, Tools("Read any file, including ones outside the project."), "files"));
        }
        var owners = await cluster.LeaseOwnersAsync(tenant);
        var onB = pulled.First(s => owners[s] == siloB.BaseAddress.ToString().TrimEnd('/')); // decided by silo B's gates
        Assert.DoesNotContain("read_file", (await viaB.GetToolsAsync(onB)).VisibleTools);
        var pin = Assert.Single((await adminB.GetAsync("v1/registry/tools?status=quarantined")).EnumerateArray());
        Assert.Equal("changed", pin.GetProperty("reason").GetString());

        var (approveStatus, _) = await adminA.SendAsync(HttpMethod.Post, "v1/registry/servers/files/tools/read_file/approve",
            $$"""{"hash":"{{pin.GetProperty("observedHash").GetString()}}"}""");
        Assert.Equal(200, approveStatus);
        Assert.Empty((await adminB.GetAsync("v1/registry/tools?status=quarantined")).EnumerateArray());
        await Task.Delay(PastBound);
        Assert.Contains("read_file", (await viaB.GetToolsAsync(onB)).VisibleTools);

        // A grant made through A releases list_dir on B; revoked through A, B withholds it again.
        Assert.Equal(200, (await adminA.SendAsync(HttpMethod.Put, "v1/grants/policy", """{"tools":["list_dir"],"capabilities":[]}""")).Status);
        var (grantStatus, grant) = await adminA.SendAsync(HttpMethod.Post, "v1/grants", $$"""{"sessionId":"{{onB}}","tool":"list_dir","task":"show the folder","ttlSeconds":600}""");
        Assert.Equal(200, grantStatus);
        await Task.Delay(PastBound);
        Assert.Contains("list_dir", (await viaB.GetToolsAsync(onB)).VisibleTools);

        Assert.Equal(200, (await adminA.SendAsync(HttpMethod.Delete, $"v1/grants/{grant.GetProperty("grantId").GetString()}")).Status);
        await Task.Delay(PastBound);
        var view = await viaB.GetToolsAsync(onB);
        Assert.DoesNotContain("list_dir", view.VisibleTools);
        Assert.Contains(view.WithheldTools, w => w.Name == "list_dir" && w.Reason.Contains("revoked", StringComparison.Ordinal));
        Assert.Equal(Verdict.Deny, (await viaB.DecideAsync(onB, new DecideRequest("list_dir"))).Verdict);
    }

    [Fact]
    public async Task A_tenant_cannot_see_or_change_another_tenants_pins_grants_or_chain_head_with_sql()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 1);
        var (tenantA, keyA) = await cluster.CreateTenantAsync("rls-a");
        var (tenantB, _) = await cluster.CreateTenantAsync("rls-b");
        using var client = TestCluster.Client(keyA, cluster.Silos[0], discover: false);
        using var admin = new AdminApi(cluster.Silos[0], keyA);
        await client.OpenSessionAsync(TestCluster.Session("s1"));
        await client.DecideAsync("s1", new DecideRequest("read_notes"));
        Assert.Equal(200, (await admin.SendAsync(HttpMethod.Put, "v1/grants/policy", """{"tools":["http_post"],"capabilities":[]}""")).Status);
        Assert.Equal(200, (await admin.SendAsync(HttpMethod.Post, "v1/grants", """{"sessionId":"s1","tool":"http_post","task":"post the summary","ttlSeconds":60}""")).Status);

        foreach (var table in new[] { "tool_registry", "grant_policies", "grants", "audit_chain_heads" })
        {
            Assert.True(await ScalarAsync(cluster, tenantA, $"SELECT count(*) FROM {table}") > 0, $"{table} holds tenant A's rows");
            Assert.Equal(0L, await ScalarAsync(cluster, null, $"SELECT count(*) FROM {table}"));
            Assert.Equal(0L, await ScalarAsync(cluster, tenantB, $"SELECT count(*) FROM {table} WHERE tenant_id = '{tenantA}'"));
        }
        Assert.Equal(0L, await ScalarAsync(cluster, tenantB, $"WITH u AS (UPDATE audit_chain_heads SET length = 0 WHERE tenant_id = '{tenantA}' RETURNING 1) SELECT count(*) FROM u"));
        var write = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(cluster, tenantB,
            $"INSERT INTO tool_registry (tenant_id, server, tool, status, observed_hash, definition, updated_at) VALUES ('{tenantA}', 'files', 'planted', 'approved', 'x', '{{}}', now()) RETURNING 1"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    private static ToolDescriptor[] Tools(string readFileDescription) =>
    [
        new ToolDescriptor("read_file", Description: readFileDescription),
        new ToolDescriptor("list_dir", Description: "List a directory."),
    ];

    /// <summary>One value, as the application role with <paramref name="tenant"/> set (or none); rolled back.</summary>
    private static async Task<long> ScalarAsync(TestCluster cluster, string? tenant, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await using var transaction = tenant is null ? await OpenAsync(connection) : await TestCluster.BeginAsTenantAsync(connection, tenant);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<NpgsqlTransaction> OpenAsync(NpgsqlConnection connection)
    {
        await connection.OpenAsync();
        return await connection.BeginTransactionAsync();
    }
}
