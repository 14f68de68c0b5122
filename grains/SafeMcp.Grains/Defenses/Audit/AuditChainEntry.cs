namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>One decision row as the audit chain covers it: every column written at decision time, in stored form.</summary>
/// <remarks><see cref="Server"/> is hashed only when it is not <c>default</c>, so rows written before servers were kept verify unchanged.</remarks>
public sealed record AuditChainEntry(
    string TenantId,
    string SessionId,
    long Sequence,
    long ChainIndex,
    string Tool,
    string Verdict,
    string Reasons,
    string Techniques,
    string DecidedBy,
    string Withheld,
    string Arguments,
    string? Thought,
    string DecidedAt,
    string Server = Contracts.SessionKeys.DefaultServer);
