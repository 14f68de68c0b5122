using Microsoft.Extensions.Logging;

namespace SafeMcp.Gateway.Config;

/// <summary>A gateway's configuration: the silo it asks, and per tenant the upstream servers, profiles and callers.</summary>
/// <param name="Silo">The silo's base address.</param>
/// <param name="Servers">Every upstream server of every tenant; names are unique across the file (with the profiles').</param>
internal sealed record GatewayConfig(Uri Silo, IReadOnlyList<UpstreamServerConfig> Servers)
{
    /// <summary>Every profile of every tenant.</summary>
    public IReadOnlyList<ProfileConfig> Profiles { get; init; } = [];

    /// <summary>Every caller allowed on the HTTP endpoints, of every tenant.</summary>
    public IReadOnlyList<CallerConfig> Callers { get; init; } = [];

    /// <summary>Environment variables of the gateway that hold keys of this file: never passed to an upstream.</summary>
    public IReadOnlySet<string> SecretVariables { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How the <c>http</c> command serves its clients.</summary>
    public HttpDownstreamConfig Http { get; init; } = new();

    /// <summary>
    /// The secret approval states are sealed with (<c>approvalKeyEnv</c> names the variable holding it; at least 32
    /// characters); null: a random key of this process, so states do not survive a restart nor pass to another gateway.
    /// </summary>
    public string? ApprovalKey { get; init; }

    /// <summary>The gateway's log level (<c>logLevel</c>). Default Information.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Every endpoint: one a server (per-route mode), one a profile (aggregated).</summary>
    public IEnumerable<EndpointConfig> Endpoints =>
        Servers.Select(s => Single(s)).Concat(Profiles.Select(Aggregate));

    /// <summary>The server named <paramref name="name"/>, or a clear error listing the ones there are.</summary>
    public UpstreamServerConfig Server(string name) =>
        Servers.FirstOrDefault(s => s.Name == name)
        ?? throw new GatewayConfigException($"No upstream server named '{name}' in the configuration; there are: {string.Join(", ", Servers.Select(s => s.Name))}.");

    /// <summary>The endpoint named <paramref name="name"/> (a server or a profile), or a clear error listing the ones there are.</summary>
    public EndpointConfig Endpoint(string name) =>
        Profiles.FirstOrDefault(p => p.Name == name) is { } profile ? Aggregate(profile)
        : Servers.FirstOrDefault(s => s.Name == name) is { } server ? Single(server)
        : throw new GatewayConfigException($"No upstream server or profile named '{name}' in the configuration; there are: {string.Join(", ", Servers.Select(s => s.Name).Concat(Profiles.Select(p => p.Name)))}.");

    private static EndpointConfig Single(UpstreamServerConfig server) =>
        new(server.Name, server.Tenant, server.ApiKey, [server], Namespaced: false, server.Instruction);

    private EndpointConfig Aggregate(ProfileConfig profile) =>
        new(profile.Name, profile.Tenant, profile.ApiKey, [.. profile.Servers.Select(Server)], Namespaced: true, profile.Instruction);
}
