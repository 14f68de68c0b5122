namespace SafeMcp.Grains.Defenses.Grants;

/// <summary>A just-in-time grant as stored: a tool, or a capability, for one session until <paramref name="ExpiresAt"/>.</summary>
public sealed record Grant(
    string GrantId,
    string TenantId,
    string SessionId,
    string? Tool,
    string? Capability,
    string Task,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt)
{
    /// <summary>Whether the grant is in force at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
