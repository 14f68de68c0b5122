using SafeMcp.Contracts;

namespace SafeMcp.Grains.Storage;

/// <summary>A decided call as its audit row keeps it: what a session's recent history is rebuilt from at activation.</summary>
/// <param name="Sequence">The decision's sequence number.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Verdict">What was decided.</param>
/// <param name="ArgumentsJson">The call's arguments, whole (<see cref="AuditRecord.ArgumentsJson"/>).</param>
/// <param name="ObservationExcerpt">The reported result's excerpt (<see cref="OutcomeRecord.ObservationExcerpt"/>); null until reported.</param>
/// <param name="Server">The MCP server of the tool (rows written before servers were kept read as <c>default</c>).</param>
public sealed record StoredCall(long Sequence, string Tool, Verdict Verdict, string ArgumentsJson, string? ObservationExcerpt, string Server = SessionKeys.DefaultServer);
