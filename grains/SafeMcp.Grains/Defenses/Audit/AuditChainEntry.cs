namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>
/// One decision row as the audit chain covers it: every column written at decision time, in stored form, and the id of
/// the audit key that MAC'd it (<see cref="AuditKeyRing"/>; null for a row linked before keys existed).
/// </summary>
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
    string? KeyId = null);
