using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Tests;

/// <summary>The world model's input from a session of several servers: every server's tools, a shared name qualified.</summary>
public sealed class SessionInputTests
{
    [Fact]
    public async Task A_name_two_servers_share_reaches_the_model_as_two_qualified_tools_and_so_do_their_calls()
    {
        var grain = await SessionGrain.ActivateAsync("t", "s", new InMemorySessionStore(), DecisionPipeline.RulesOnly(), new SessionGrainOptions(), TimeProvider.System, default);
        await grain.OpenAsync(new OpenSessionRequest("s", "Summarize.", [new("read_file", Description: "Read a local file."), new("write_file")], "files"), default);
        await grain.OpenAsync(new OpenSessionRequest("s", null, [new("read_file", Description: "Read a cached page."), new("fetch_url")], "web"), default);
        await grain.DecideAsync(new DecideRequest("read_file", JsonDocument.Parse("""{"path":"a.md"}""").RootElement.Clone(), Server: "web"), default);
        var builder = new SessionInputBuilder(new FeatureOptions());

        var opening = builder.BuildOpening(grain.State);
        var tool = grain.State.Tools.Named("read_file").Single(t => t.Server == "files");
        var call = builder.Build(new CallContext(grain.State, tool, new DecideRequest("read_file", Server: "files"), default, default));

        Assert.Equal(["fetch_url", "files/read_file", "web/read_file", "write_file"], opening.Tools.Select(t => t.Name));
        Assert.Equal("Read a local file.", opening.Tools.Single(t => t.Name == "files/read_file").Description);
        Assert.Equal("web/read_file", Assert.Single(opening.Prefix).Action);
        Assert.Equal("files/read_file", call.Current!.Action);
    }

    [Fact]
    public async Task A_session_of_one_server_gives_the_model_plain_names()
    {
        var grain = await SessionGrain.ActivateAsync("t", "s", new InMemorySessionStore(), DecisionPipeline.RulesOnly(), new SessionGrainOptions(), TimeProvider.System, default);
        await grain.OpenAsync(new OpenSessionRequest("s", "Summarize.", [new("read_file"), new("fetch_url")], "files"), default);

        var opening = new SessionInputBuilder(new FeatureOptions()).BuildOpening(grain.State);

        Assert.Equal(["fetch_url", "read_file"], opening.Tools.Select(t => t.Name));
    }
}
