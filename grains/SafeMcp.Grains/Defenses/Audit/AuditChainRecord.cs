namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>One stored row as <see cref="AuditChain.Verify"/> checks it: the chained decision, its stored MAC, and its outcome with the outcome's seal.</summary>
public sealed record AuditChainRecord(AuditChainEntry Entry, string StoredHash, AuditOutcome? Outcome, string? OutcomeSeal);
