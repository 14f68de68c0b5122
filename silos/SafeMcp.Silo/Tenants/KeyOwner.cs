namespace SafeMcp.Silo.Tenants;

/// <summary>The tenant an API key belongs to and its role.</summary>
public sealed record KeyOwner(string TenantId, KeyRole Role)
{
    /// <summary>The role as stored in the api_keys table.</summary>
    public static string StoredName(KeyRole role) => role == KeyRole.Admin ? "admin" : "agent";

    /// <summary>Parses a stored role; anything unknown is the least privileged role.</summary>
    public static KeyRole ParseStored(string? role) => role == "admin" ? KeyRole.Admin : KeyRole.Agent;
}
