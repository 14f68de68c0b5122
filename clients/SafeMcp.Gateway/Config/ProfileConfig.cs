namespace SafeMcp.Gateway.Config;

/// <summary>
/// A tenant profile: one MCP endpoint (<c>/mcp/{name}</c>) fronting several upstream servers, whose tools and prompts
/// are namespaced <c>{server}__{name}</c>. One agent on it is one supervised session across all its servers.
/// </summary>
/// <param name="Name">The profile's name (unique with the servers' names: both are endpoint names).</param>
/// <param name="Tenant">The tenant's name in the file.</param>
/// <param name="ApiKey">The tenant's API key.</param>
/// <param name="Servers">The upstream servers of the tenant it fronts, in the file's order.</param>
/// <param name="Instruction">The user's task sent when a session opens; null: none.</param>
internal sealed record ProfileConfig(string Name, string Tenant, string ApiKey, IReadOnlyList<string> Servers, string? Instruction);
