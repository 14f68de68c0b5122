namespace SafeMcp.Gateway.Config;

/// <summary>One upstream MCP server: how to reach it and whose tenant its sessions belong to.</summary>
/// <param name="Name">The server's name (its own HTTP path <c>/mcp/{name}</c>, its namespace in a profile, and the registry's server name).</param>
/// <param name="Tenant">The tenant's name in the file (for messages).</param>
/// <param name="ApiKey">The tenant's API key, resolved (from the file or the environment variable it names).</param>
/// <param name="Command">The command that starts a stdio server; null for an HTTP server.</param>
/// <param name="Arguments">The command's arguments.</param>
/// <param name="Environment">Environment variables set for the command (on top of the allowlisted ones).</param>
/// <param name="WorkingDirectory">The command's working directory; null: the gateway's.</param>
/// <param name="Url">The Streamable HTTP (or SSE) endpoint of an HTTP server; null for a stdio server.</param>
/// <param name="Instruction">The user's task sent when a session opens; null: none.</param>
internal sealed record UpstreamServerConfig(
    string Name,
    string Tenant,
    string ApiKey,
    string? Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string? WorkingDirectory,
    Uri? Url,
    string? Instruction)
{
    /// <summary>
    /// Names of the gateway's environment variables the command also gets (<c>inheritEnv</c>), besides the SDK's
    /// curated default set (PATH, HOME, …). Never the gateway's <c>SAFEMCP_*</c> variables nor a tenant key's variable.
    /// </summary>
    public IReadOnlyList<string> InheritEnvironment { get; init; } = [];

    /// <summary>
    /// What the gateway declares to this upstream on the agents' behalf (<c>relay</c>: sampling, elicitation, roots).
    /// Default none: an upstream is never offered a capability an agent's client may lack.
    /// </summary>
    public IReadOnlySet<string> Relay { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
