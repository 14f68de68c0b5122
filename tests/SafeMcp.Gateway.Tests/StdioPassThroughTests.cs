using ModelContextProtocol.Client;

namespace SafeMcp.Gateway.Tests;

/// <summary>The pass-through scenarios over stdio: one <c>safemcp-gateway stdio</c> process per agent, as an IDE starts it.</summary>
public sealed class StdioPassThroughTests(GatewayFixture fixture) : PassThroughScenarios(fixture), IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _fixture = fixture;

    private protected override async Task<AgentConnection> ConnectAsync(string server, Action<McpClientOptions>? configure = null)
    {
        var yaml = server == Memo ? MemoYaml(server) : EverythingYaml(server);
        // A client that declares elicitation answers the approval itself: left out, so a required approval is refused.
        var session = await GatewaySession.StartAsync(_fixture, server, yaml, approve: null, configure);
        return new AgentConnection(session.Client, session.SessionId, session.DisposeAsync);
    }
}
