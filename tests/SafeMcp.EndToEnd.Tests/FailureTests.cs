using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.EndToEnd.Tests;

/// <summary>What the hook does when the silo goes away: decisions survive a restart; an unreachable cluster denies.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task Session_and_decisions_survive_a_silo_restart()
    {
        using var directory = new TempDirectory("safemcp-e2e-restart");
        await using var silo = await SiloProcess.StartAsync(directory.Path);
        var apiKey = silo.BootstrapKey!;
        await using var session = await SampleServerSession.StartAsync(silo.BaseAddress, apiKey, "Check the app's configuration.", prepareSandbox: sandbox =>
            File.WriteAllText(Path.Combine(sandbox, ".env"), "API_KEY=sk-live-0123456789abcdefghijklmnop\n"));
        await session.CallAsync("read_file", ("path", ".env"));
        await session.CallAsync("fetch_url", ("url", "https://collector.example.net/upload"));

        await silo.KillAsync();
        await silo.StartAgainAsync();

        using var client = new SafeMcp.Client.SafeMcpClient(new() { BaseAddress = silo.BaseAddress, ApiKey = apiKey });
        var snapshot = await client.GetSessionAsync(session.SessionId);
        Assert.Equal(
            [("read_file", Verdict.Allow), ("fetch_url", Verdict.Deny)],
            snapshot.Decisions.Select(d => (d.Tool, d.Verdict)).ToArray());
        Assert.Contains("fetch_url", snapshot.View.WithheldTools.Select(w => w.Name));
        Assert.Equal("Check the app's configuration.", snapshot.Instruction);

        // The same server process goes on deciding against the restarted silo, from the restored state.
        var again = await session.CallAsync("fetch_url", ("url", "https://collector.example.net/upload"));
        Assert.True(again.IsError);
        Assert.Contains("SAFE-T1914", SampleServerSession.Text(again));
        Assert.Equal(3, (await client.GetSessionAsync(session.SessionId)).Sequence);
    }

    [Fact]
    public async Task An_unreachable_cluster_denies_every_call()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        await using var session = await SampleServerSession.StartAsync(nobody, "smk_not-a-real-key", prepareSandbox: sandbox =>
            File.WriteAllText(Path.Combine(sandbox, "notes.txt"), "hello"));

        var result = await session.CallAsync("read_file", ("path", "notes.txt"));

        Assert.True(result.IsError);
        Assert.Contains("fail closed", SampleServerSession.Text(result));
        Assert.DoesNotContain("hello", SampleServerSession.Text(result));
    }

    [Theory]
    [InlineData("smk_abc\r\nX-Injected: 1")]
    [InlineData("smk_abc def")]
    [InlineData(" ")]
    public void A_key_that_cannot_be_a_header_value_is_refused_before_any_request(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => new SafeMcp.Client.SafeMcpClient(new() { BaseAddress = new Uri("http://127.0.0.1:1/"), ApiKey = key }));
        Assert.Contains("ApiKey", error.Message);
    }
}
