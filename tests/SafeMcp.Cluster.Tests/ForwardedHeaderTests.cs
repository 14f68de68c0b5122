using System.Net.Http.Headers;
using SafeMcp.Contracts;

namespace SafeMcp.Cluster.Tests;

/// <summary>
/// The forwarding mark is the silos' own: set by a client on a public endpoint it is ignored, so a client cannot make a
/// silo serve (and refuse, its lease being elsewhere) a session it does not own.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ForwardedHeaderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_forwarded_mark_sent_to_a_public_endpoint_is_ignored_and_the_request_still_forwarded()
    {
        await using var cluster = await TestCluster.StartAsync(postgres.ConnectionString, 2);
        var (tenant, key) = await cluster.CreateTenantAsync("mark");
        await TestCluster.WaitForMembersAsync(key, cluster.Silos, TimeSpan.FromSeconds(60));
        using var client = TestCluster.Client(key, cluster.Silos[0]);
        var sessions = Enumerable.Range(0, 8).Select(i => $"mark-{i}").ToArray();
        foreach (var session in sessions)
        {
            await client.OpenSessionAsync(TestCluster.Session(session));
        }
        var first = cluster.Silos[0].BaseAddress.ToString().TrimEnd('/');
        var elsewhere = (await cluster.LeaseOwnersAsync(tenant)).First(o => o.Value != first).Key;

        using var pinned = TestCluster.Client(key, cluster.Silos[0], discover: false);
        var before = (await pinned.GetRuntimeStatsAsync()).ForwardedRequests;
        using var http = new HttpClient { BaseAddress = cluster.Silos[0].BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/sessions/{elsewhere}/decide")
        {
            Content = new StringContent("""{"tool":"read_notes"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("SafeMcp-Forwarded", "http://127.0.0.1:1");
        using var response = await http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(before + 1, (await pinned.GetRuntimeStatsAsync()).ForwardedRequests);
        Assert.NotEqual(first, (await cluster.LeaseOwnersAsync(tenant))[elsewhere]); // the lease stayed with its owner
    }
}
