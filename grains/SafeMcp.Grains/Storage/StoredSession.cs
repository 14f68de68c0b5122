namespace SafeMcp.Grains.Storage;

/// <summary>A session as storage holds it: its definition, its mutable state and their version.</summary>
public sealed record StoredSession(string DefinitionJson, string StateJson, long Version);
