using ModelContextProtocol.Client;

namespace SafeMcp.Gateway.Tests;

/// <summary>An agent's MCP client connected to the gateway (over stdio or HTTP) and the SafeMCP session it works in.</summary>
internal sealed class AgentConnection(McpClient client, string sessionId, Func<ValueTask> dispose) : IAsyncDisposable
{
    public McpClient Client { get; } = client;

    public string SessionId { get; } = sessionId;

    public ValueTask DisposeAsync() => dispose();
}
