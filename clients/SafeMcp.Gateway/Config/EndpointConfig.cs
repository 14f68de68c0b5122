namespace SafeMcp.Gateway.Config;

/// <summary>
/// What one MCP endpoint fronts: a single server (per-route mode, names unchanged) or a profile's servers
/// (aggregated, names namespaced).
/// </summary>
/// <param name="Name">The endpoint's name: <c>/mcp/{name}</c>, and the name of the session's server in the cluster.</param>
/// <param name="Tenant">The tenant's name in the file.</param>
/// <param name="ApiKey">The tenant's API key.</param>
/// <param name="Servers">The upstream servers, in order.</param>
/// <param name="Namespaced">True for a profile: tool and prompt names become <c>{server}__{name}</c>.</param>
/// <param name="Instruction">The user's task sent when a session opens; null: none.</param>
internal sealed record EndpointConfig(string Name, string Tenant, string ApiKey, IReadOnlyList<UpstreamServerConfig> Servers, bool Namespaced, string? Instruction);
