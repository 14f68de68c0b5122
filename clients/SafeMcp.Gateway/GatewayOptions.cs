namespace SafeMcp.Gateway;

/// <summary>The gateway's tunables.</summary>
internal sealed class GatewayOptions
{
    /// <summary>Time allowed to start an upstream server and finish its MCP handshake. Default 60 seconds (npx may download first).</summary>
    public TimeSpan UpstreamConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Header naming the SafeMCP session of a stateless HTTP request. Default <c>SafeMcp-Session-Id</c>.</summary>
    public string SessionHeader { get; init; } = "SafeMcp-Session-Id";

    /// <summary>How often stateful HTTP sessions are checked for idleness (the idle timeout itself is in the YAML). Default 15 seconds.</summary>
    public TimeSpan HttpSessionSweepInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Most stateful HTTP sessions open at once; an <c>initialize</c> beyond it is refused (503) until one ends. Default 1,000.</summary>
    public int MaxHttpSessions { get; init; } = 1000;

    /// <summary>Longest wait for one client to take a pushed notification; a slower client misses it rather than hold up the others. Default 10 seconds.</summary>
    public TimeSpan NotificationSendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest JSON-RPC request body the HTTP endpoint reads. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4L * 1024 * 1024;
}
