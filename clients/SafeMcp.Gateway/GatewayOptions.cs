namespace SafeMcp.Gateway;

/// <summary>The gateway's tunables.</summary>
internal sealed class GatewayOptions
{
    /// <summary>Time allowed to start an upstream server and finish its MCP handshake. Default 60 seconds (npx may download first).</summary>
    public TimeSpan UpstreamConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first retry of an upstream that could not be reached; doubled after each failure. Default 1 second.</summary>
    public TimeSpan UpstreamRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts to reach an upstream. Default 60 seconds.</summary>
    public TimeSpan UpstreamRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Header carrying the SafeMCP session handle a client returns (see the README). Default <c>SafeMcp-Session</c>.</summary>
    public string SessionHeader { get; init; } = "SafeMcp-Session";

    /// <summary>How long a multi-round-trip approval's sealed state is accepted back. Default 5 minutes.</summary>
    public TimeSpan ApprovalStateLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most stateful HTTP sessions kept idle at once (the SDK's <c>MaxIdleSessionCount</c>). Default 1,000.</summary>
    public int MaxIdleHttpSessions { get; init; } = 1000;

    /// <summary>Longest wait for one client to take a pushed notification; a slower client misses it rather than hold up the others. Default 10 seconds.</summary>
    public TimeSpan NotificationSendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest JSON-RPC request body the HTTP endpoint reads. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4L * 1024 * 1024;
}
