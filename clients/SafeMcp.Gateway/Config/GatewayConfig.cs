namespace SafeMcp.Gateway.Config;

/// <summary>A gateway's configuration: the silo it asks and the upstream servers it fronts, per tenant.</summary>
/// <param name="Silo">The silo's base address.</param>
/// <param name="Servers">Every upstream server of every tenant; names are unique across the file.</param>
internal sealed record GatewayConfig(Uri Silo, IReadOnlyList<UpstreamServerConfig> Servers)
{
    /// <summary>How the <c>http</c> command serves its clients.</summary>
    public HttpDownstreamConfig Http { get; init; } = new();

    /// <summary>The server named <paramref name="name"/>, or a clear error listing the ones there are.</summary>
    public UpstreamServerConfig Server(string name) =>
        Servers.FirstOrDefault(s => s.Name == name)
        ?? throw new GatewayConfigException($"No upstream server named '{name}' in the configuration; there are: {string.Join(", ", Servers.Select(s => s.Name))}.");
}
