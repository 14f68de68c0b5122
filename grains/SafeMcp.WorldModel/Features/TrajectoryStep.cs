namespace SafeMcp.WorldModel.Features;

/// <summary>One call of the trajectory prefix (or the current action, without observation).</summary>
/// <param name="Action">The tool called; null for a final answer without a call.</param>
/// <param name="ArgumentsText">The call's arguments as text (JSON or free text).</param>
/// <param name="Observation">What the call returned, as text; null when unknown.</param>
/// <param name="Thought">The agent's stated reasoning, when known.</param>
/// <param name="Server">The MCP server of the tool, when a session's calls name one other than <c>default</c> (not read by the model: <paramref name="Action"/> is already the tool's session name).</param>
public sealed record TrajectoryStep(string? Action, string? ArgumentsText, string? Observation = null, string? Thought = null, string? Server = null);
