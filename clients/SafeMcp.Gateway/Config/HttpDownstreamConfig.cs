namespace SafeMcp.Gateway.Config;

/// <summary>How <c>safemcp-gateway http</c> serves Streamable HTTP (the YAML's <c>http</c> section).</summary>
internal sealed record HttpDownstreamConfig
{
    /// <summary>
    /// How sessions are kept (the SDK's <c>HttpServerSessionMode</c>). Default <see cref="HttpSessionMode.Hybrid"/>: a
    /// 2025-11-25 client that initializes gets a stateful session, a 2026-07-28 client is served per request.
    /// </summary>
    public HttpSessionMode Mode { get; init; } = HttpSessionMode.Hybrid;

    /// <summary>A stateful session nobody used (no request, no open event stream) for this long is ended. Default 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Values of <c>Origin</c> a browser may send (<c>allowedOrigins</c>, e.g. <c>https://app.example.com</c>); any other
    /// origin is refused with 403 (DNS rebinding). A request without <c>Origin</c> (not from a browser) passes. Default none.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Host names the <c>Host</c> header may name (<c>allowedHosts</c>); any other is refused with 403.
    /// Default the loopback names: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = ["localhost", "127.0.0.1", "[::1]"];
}
