namespace SafeMcp.Gateway.Config;

/// <summary>A caller allowed on a tenant's HTTP endpoints: it sends <c>Authorization: Bearer {key}</c>.</summary>
/// <param name="Name">The caller's name: with the tenant, the principal its sessions are bound to.</param>
/// <param name="Tenant">The tenant whose endpoints it may use.</param>
/// <param name="Key">The caller's key (from the file or the environment variable it names); never logged.</param>
internal sealed record CallerConfig(string Name, string Tenant, string Key);
