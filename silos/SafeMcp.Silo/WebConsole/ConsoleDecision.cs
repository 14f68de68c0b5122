using SafeMcp.Contracts;

namespace SafeMcp.Silo.WebConsole;

/// <summary>A decision as the console lists it: with the MCP server its session's tools come from.</summary>
/// <param name="Server">The session's server (<c>default</c> when it named none).</param>
/// <param name="Decision">The decision as answered.</param>
public sealed record ConsoleDecision(string Server, Decision Decision);
