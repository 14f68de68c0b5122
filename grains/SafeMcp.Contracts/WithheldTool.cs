namespace SafeMcp.Contracts;

/// <summary>A tool the session may not see, and why.</summary>
/// <param name="Name">The tool's name, as its server advertises it.</param>
/// <param name="Reason">Why it is withheld.</param>
/// <param name="Techniques">SAFE-MCP ids the withholding acts on.</param>
/// <param name="Server">The MCP server the tool belongs to (the silo always sets it; null only in documents stored before servers were kept, read as <c>default</c>).</param>
public sealed record WithheldTool(string Name, string Reason, IReadOnlyList<string> Techniques, string? Server = null);
