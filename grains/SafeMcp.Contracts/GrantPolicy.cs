namespace SafeMcp.Contracts;

/// <summary>A tenant's grant policy: tools, and capabilities, that sessions see only under a just-in-time grant.</summary>
public sealed record GrantPolicy(IReadOnlyList<string> Tools, IReadOnlyList<string> Capabilities);
