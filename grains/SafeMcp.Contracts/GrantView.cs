namespace SafeMcp.Contracts;

/// <summary>A just-in-time grant as the API shows it.</summary>
public sealed record GrantView(string GrantId, string SessionId, string? Tool, string? Capability, string Task, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, bool Active);
