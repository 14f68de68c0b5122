using SafeMcp.Contracts;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// One session as its audit log keeps it, for training: its definition document (instruction, tools and what its
/// opening withheld) and its decided calls in order.
/// </summary>
internal sealed record SessionHistory(string SessionId, string DefinitionJson, IReadOnlyList<HistoryCall> Calls);

/// <summary>One decided call of a <see cref="SessionHistory"/>: the audit row's columns that describe the call and its result.</summary>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">The decision.</param>
/// <param name="WithheldJson">The tools withheld after the decision (JSON array of names).</param>
/// <param name="Arguments">The call's arguments (JSON).</param>
/// <param name="Thought">The agent's stated reason for the call, when its client sent one.</param>
/// <param name="Observation">The start of what the call returned, secrets redacted; null until the outcome is reported.</param>
/// <param name="Reported">Whether its client reported an outcome: the call ran (for a call sent for approval, a human approved it).</param>
/// <param name="Server">The MCP server of the tool (<c>default</c> for rows written before servers were kept).</param>
internal sealed record HistoryCall(string Tool, Verdict Verdict, string WithheldJson, string Arguments, string? Thought, string? Observation, bool Reported, string Server = SessionKeys.DefaultServer);
