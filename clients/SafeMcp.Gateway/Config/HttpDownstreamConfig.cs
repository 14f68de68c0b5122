namespace SafeMcp.Gateway.Config;

/// <summary>How <c>safemcp-gateway http</c> serves Streamable HTTP (the YAML's <c>http</c> section).</summary>
internal sealed record HttpDownstreamConfig
{
    /// <summary>
    /// Stateful: sessions keyed by <c>Mcp-Session-Id</c>, a GET event stream for the upstream's notifications,
    /// DELETE to end a session. Stateless: every POST stands alone (nothing can be pushed). Default stateful.
    /// </summary>
    public bool Stateful { get; init; } = true;

    /// <summary>A stateful session nobody used (no request, no open event stream) for this long is ended. Default 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
