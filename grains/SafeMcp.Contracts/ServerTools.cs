namespace SafeMcp.Contracts;

/// <summary>One MCP server's slice of a session's tools.</summary>
/// <param name="Server">The server's name.</param>
/// <param name="VisibleTools">Plain names of the server's tools the session may see now, sorted.</param>
/// <param name="WithheldTools">Plain names of the server's tools withheld or held back now, sorted.</param>
public sealed record ServerTools(string Server, IReadOnlyList<string> VisibleTools, IReadOnlyList<string> WithheldTools);
