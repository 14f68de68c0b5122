namespace SafeMcp.Contracts;

/// <summary>A session's state and its decisions, for operators.</summary>
public sealed record SessionSnapshot(
    string TenantId,
    string SessionId,
    string? Instruction,
    SessionView View,
    IReadOnlyList<string> CapabilitiesUsed,
    long Sequence,
    IReadOnlyList<Decision> Decisions);
