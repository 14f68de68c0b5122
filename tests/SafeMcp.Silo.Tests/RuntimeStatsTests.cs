using System.Net;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Tests;

/// <summary><c>/v1/silo/runtime</c> on a real silo process: counters that move with the work done, behind a key.</summary>
public sealed class RuntimeStatsTests(SiloProcessFixture fixture) : IClassFixture<SiloProcessFixture>
{
    [Fact]
    public async Task Runtime_counters_need_a_key()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(fixture.Silo.BaseAddress, "v1/silo/runtime"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Runtime_counters_grow_with_the_decisions_served()
    {
        using var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = fixture.Silo.BaseAddress, ApiKey = fixture.Key, MaxRetries = 0 });
        var id = "runtime-" + Guid.NewGuid().ToString("N");
        await client.OpenSessionAsync(new OpenSessionRequest(id, "Summarize notes.", [new ToolDescriptor("read_file", Description: "Read a file.")]));

        var before = await client.GetRuntimeStatsAsync();
        for (var i = 0; i < 50; i++)
        {
            await client.DecideAsync(id, new DecideRequest("read_file"));
        }
        var after = await client.GetRuntimeStatsAsync();

        Assert.False(string.IsNullOrEmpty(after.Silo));
        Assert.Equal(before.Silo, after.Silo);
        Assert.True(after.ProcessorCount >= 1);
        Assert.Equal(3, after.Collections.Count);
        Assert.True(after.UptimeSeconds > before.UptimeSeconds);
        // Fifty decisions allocate (requests, decisions, audit rows) and take processor time.
        Assert.True(after.AllocatedBytes > before.AllocatedBytes, $"allocated {before.AllocatedBytes} -> {after.AllocatedBytes}");
        Assert.True(after.CpuMilliseconds > before.CpuMilliseconds);
        for (var generation = 0; generation < 3; generation++)
        {
            Assert.True(after.Collections[generation] >= before.Collections[generation]);
        }
        // A collection of generation n counts for the younger ones too.
        Assert.True(after.Collections[0] >= after.Collections[1] && after.Collections[1] >= after.Collections[2]);
        Assert.True(after.GcPauseMilliseconds >= before.GcPauseMilliseconds);
        Assert.True(after.HeapBytes > 0);
        Assert.True(after.ThreadPoolThreads >= 1);
        Assert.Equal(0, after.ForwardedRequests); // a single silo owns every session
        // A process that served requests has compiled methods, and the counters never go back.
        Assert.True(after.JitMethods > 0 && after.JitMilliseconds > 0, $"compiled {after.JitMethods} methods in {after.JitMilliseconds} ms");
        Assert.True(after.JitMethods >= before.JitMethods && after.JitMilliseconds >= before.JitMilliseconds);
        // Every decision waited for its commit once; the embedded store synced its log at least once for them.
        Assert.Equal(LatencyBuckets.Count, after.CommitWaitMicroseconds!.Count);
        Assert.True(after.CommitWaitMicroseconds.Sum() - before.CommitWaitMicroseconds!.Sum() >= 50);
        Assert.True(after.LogSyncMicroseconds!.Sum() > before.LogSyncMicroseconds!.Sum());
    }
}
