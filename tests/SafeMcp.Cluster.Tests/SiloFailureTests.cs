using System.Net;
using System.Net.Http.Json;
using SafeMcp.Contracts;
using SafeMcp.Testing;
using Xunit.Abstractions;

namespace SafeMcp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SiloFailureTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killed_silo_loses_no_acknowledged_decision_and_its_sessions_move_to_the_survivors()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 3);
        var (tenant, key) = await cluster.CreateTenantAsync("kill");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);
        using var client = TestCluster.Client(key, cluster.Silos[0]);
        var sessions = Enumerable.Range(0, 24).Select(i => $"kill-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
        }
        var owners = await cluster.LeaseOwnersAsync(tenant);
        var victim = cluster.Silos.MaxBy(s => owners.Values.Count(o => o == Address(s)))!;
        var moved = owners.Where(o => o.Value == Address(victim)).Select(o => o.Key).ToArray();
        Assert.NotEmpty(moved);

        var load = new DecisionLoad(client, sessions);
        try
        {
            await load.WaitForAcknowledgementsAsync(sessions, TimeSpan.Zero, Convergence);
            await victim.KillAsync();
            var killedAt = load.Now; // the process is gone: any later answer comes from a survivor
            await load.WaitForAcknowledgementsAsync(moved, killedAt, Convergence);
            var failover = moved.Max(s => load.Acknowledged[s].Where(a => a.At > killedAt).Min(a => a.At)) - killedAt;
            var message = $"Failover after kill -9: {failover.TotalMilliseconds:0} ms for {moved.Length} sessions (last session's first acknowledged decision on a survivor).";
            output.WriteLine(message);
            Console.WriteLine(message);
            // A few more rounds on the survivors, then stop.
            await load.WaitForAcknowledgementsAsync(sessions, load.Now, Convergence);
        }
        finally
        {
            await load.DisposeAsync();
        }

        var after = await cluster.LeaseOwnersAsync(tenant);
        Assert.All(moved, s => Assert.NotEqual(Address(victim), after[s]));
        await AuditAssert.ConsistentAsync(cluster, tenant, load);
    }

    [Fact]
    public async Task Frozen_silo_cannot_commit_for_a_session_that_moved_while_it_was_frozen()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 3);
        var (tenant, key) = await cluster.CreateTenantAsync("freeze");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);
        using var client = TestCluster.Client(key, cluster.Silos[0]);
        var sessions = Enumerable.Range(0, 18).Select(i => $"freeze-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
            await client.DecideAsync(session, new DecideRequest("read_notes"));
        }
        var owners = await cluster.LeaseOwnersAsync(tenant);
        var victim = cluster.Silos.MaxBy(s => owners.Values.Count(o => o == Address(s)))!;
        var moved = owners.Where(o => o.Value == Address(victim)).Select(o => o.Key).ToArray();
        var survivors = cluster.Silos.Where(s => s != victim).ToArray();

        victim.Pause();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} paused {victim.BaseAddress}; moved: {string.Join(",", moved)}");
        DecisionLoad load;
        Task<HttpResponseMessage> late;
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        direct.DefaultRequestHeaders.Authorization = new("Bearer", key);
        try
        {
            // A request the frozen silo will only see when it wakes up, marked as forwarded so it must decide itself.
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(victim.BaseAddress, $"v1/sessions/{moved[0]}/decide"))
            {
                Content = JsonContent.Create(new DecideRequest("read_notes"), SafeMcpJsonContext.Default.DecideRequest),
            };
            request.Headers.Add("SafeMcp-Forwarded", "test");
            late = direct.SendAsync(request);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} late request sent");

            await TestCluster.WaitForMembersAsync(key, survivors, Convergence);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} survivors agree");
            load = new DecisionLoad(client, sessions);
            await load.WaitForAcknowledgementsAsync(sessions, TimeSpan.Zero, Convergence);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} acks: {string.Join(",", load.Acknowledged[moved[0]].Select(a => a.Sequence))}");
            var during = await cluster.LeaseOwnersAsync(tenant);
            Assert.All(moved, s => Assert.NotEqual(Address(victim), during[s]));
        }
        finally
        {
            victim.Resume();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} resumed");
        }

        using (var answer = await late)
        {
            Assert.False(answer.IsSuccessStatusCode, $"The frozen silo decided for a session that moved: {await answer.Content.ReadAsStringAsync()}");
            Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict, $"Unexpected {answer.StatusCode}");
        }
        // The woken silo rejoins; the load keeps going across the change.
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);
        await load.WaitForAcknowledgementsAsync(sessions, load.Now, Convergence);
        await load.DisposeAsync();

        foreach (var session in sessions)
        {
            var rows = await cluster.AuditAsync(tenant, session);
            Assert.Equal(rows.Count, rows.Select(r => r.Sequence).Distinct().Count());
            // Epochs never go back: no write under an old lease landed after a newer one.
            Assert.Equal(rows.Select(r => r.Epoch).Order(), rows.Select(r => r.Epoch));
        }
        await AuditAssert.ConsistentAsync(cluster, tenant, load, firstSequence: 2);
    }

    [Fact]
    public async Task Database_outage_fails_closed_and_the_cluster_recovers_without_restart()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var cluster = await TestCluster.StartAsync(server.ConnectionString, 2, ownerConnectionString: server.OwnerConnectionString);
        var (tenant, key) = await cluster.CreateTenantAsync("outage");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);
        using var client = TestCluster.Client(key, cluster.Silos[0], retries: 2);
        var sessions = Enumerable.Range(0, 8).Select(i => $"outage-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
        }
        var processes = cluster.Silos.Select(s => s.ProcessId).ToArray();

        var load = new DecisionLoad(client, sessions);
        try
        {
            await load.WaitForAcknowledgementsAsync(sessions, TimeSpan.Zero, Convergence);
            await server.StopAsync();
            var stoppedAt = load.Now;

            using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            direct.DefaultRequestHeaders.Authorization = new("Bearer", key);
            using var answer = await direct.PostAsJsonAsync(new Uri(cluster.Silos[0].BaseAddress, $"v1/sessions/{sessions[0]}/decide"),
                new DecideRequest("read_notes"), SafeMcpJsonContext.Default.DecideRequest);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            var error = await answer.Content.ReadFromJsonAsync(SafeMcpJsonContext.Default.ApiError);
            Assert.Contains(error!.Code, new[] { "storage_unavailable", "silo_fenced", "session_moving", "owner_unreachable" });
            Assert.Contains("no decision", error.Message, StringComparison.OrdinalIgnoreCase);
            var outageDecision = await client.DecideAsync(sessions[1], new DecideRequest("read_notes"));
            Assert.Equal(Verdict.Deny, outageDecision.Verdict);

            await server.StartAgainAsync();
            var restartedAt = load.Now;
            await load.WaitForAcknowledgementsAsync(sessions, restartedAt, Convergence);
            output.WriteLine($"Outage {restartedAt - stoppedAt:g}; every session decided again {load.Acknowledged.Values.Max(q => q.Where(a => a.At > restartedAt).Min(a => a.At)) - restartedAt:g} after the restart.");
        }
        finally
        {
            await load.DisposeAsync();
        }

        Assert.Equal(processes, cluster.Silos.Select(s => s.ProcessId));
        Assert.True(load.FailedClosed > 0);
        await AuditAssert.ConsistentAsync(cluster, tenant, load);
    }

    private static string Address(SiloProcess silo) => silo.BaseAddress.ToString().TrimEnd('/');
}
