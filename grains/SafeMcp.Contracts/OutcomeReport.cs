namespace SafeMcp.Contracts;

/// <summary>What a call produced, reported after it ran, so the session's taint follows its data.</summary>
/// <param name="Sequence">The decision's sequence number.</param>
/// <param name="IsError">Whether the tool reported an error.</param>
/// <param name="Content">The text content of the result (may be truncated by the caller).</param>
/// <param name="ResultBytes">The size of the whole result, in bytes.</param>
/// <param name="Server">The reporting server; when given it must be the server of the decided call (400 <c>server_mismatch</c>).</param>
public sealed record OutcomeReport(long Sequence, bool IsError, string? Content, long ResultBytes, string? Server = null);
