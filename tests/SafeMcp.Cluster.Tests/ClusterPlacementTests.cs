using SafeMcp.Contracts;

namespace SafeMcp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterPlacementTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sessions_spread_over_three_silos_and_every_silo_gives_the_same_answer()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 3);
        var (tenant, key) = await cluster.CreateTenantAsync("spread");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, Convergence);

        using var client = TestCluster.Client(key, cluster.Silos[0]);
        var sessions = Enumerable.Range(0, 30).Select(i => $"spread-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
            var decision = await client.DecideAsync(session, new DecideRequest("read_notes"));
            Assert.Equal(1, decision.Sequence);
        }
        Assert.Equal(3, client.ClusterMembers.Count);

        var owners = await cluster.LeaseOwnersAsync(tenant);
        Assert.Equal(sessions.Order(), owners.Keys.Order());
        Assert.Equal(cluster.Silos.Select(s => s.BaseAddress.ToString().TrimEnd('/')).Order(), owners.Values.Distinct().Order());

        // Ask every silo directly (no client routing): non-owners forward, and all answer alike.
        var pinned = cluster.Silos.Select(s => TestCluster.Client(key, s, discover: false)).ToArray();
        try
        {
            var forwardedBefore = (await Task.WhenAll(pinned.Select(c => c.GetRuntimeStatsAsync()))).Sum(r => r.ForwardedRequests);
            var expectedForwards = 0;
            foreach (var session in sessions.Take(6))
            {
                var viaFirst = await pinned[0].DecideAsync(session, new DecideRequest("http_post"));
                Assert.Equal(2, viaFirst.Sequence);
                var snapshots = await Task.WhenAll(pinned.Select(c => c.GetSessionAsync(session)));
                foreach (var snapshot in snapshots)
                {
                    Assert.Equal(2, snapshot.Sequence);
                    Assert.Equal(snapshots[0].View.VisibleTools, snapshot.View.VisibleTools);
                    Assert.Equal(snapshots[0].Decisions.Select(d => (d.Sequence, d.Tool, d.Verdict)), snapshot.Decisions.Select(d => (d.Sequence, d.Tool, d.Verdict)));
                }
                // The decision sent to the first silo is forwarded unless it owns the session; of the three reads, the two non-owners forward.
                expectedForwards += (owners[session] == cluster.Silos[0].BaseAddress.ToString().TrimEnd('/') ? 0 : 1) + 2;
            }
            var forwardedAfter = (await Task.WhenAll(pinned.Select(c => c.GetRuntimeStatsAsync()))).Sum(r => r.ForwardedRequests);
            Assert.Equal(expectedForwards, forwardedAfter - forwardedBefore);
        }
        finally
        {
            foreach (var c in pinned)
            {
                c.Dispose();
            }
        }
    }
}
