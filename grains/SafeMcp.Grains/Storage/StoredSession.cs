namespace SafeMcp.Grains.Storage;

/// <summary>A session as storage holds it: its definition, its mutable state and their version, and its latest calls.</summary>
/// <param name="DefinitionJson">The definition document (instruction, tools).</param>
/// <param name="StateJson">The mutable state document.</param>
/// <param name="Version">The state's version.</param>
/// <param name="RecentCalls">The session's latest decided calls as the audit log keeps them, oldest first (at most as many as asked for).</param>
public sealed record StoredSession(string DefinitionJson, string StateJson, long Version, IReadOnlyList<StoredCall> RecentCalls);
