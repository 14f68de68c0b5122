namespace SafeMcp.Contracts;

/// <summary>A tool the session may not see, and why.</summary>
public sealed record WithheldTool(string Name, string Reason, IReadOnlyList<string> Techniques);
