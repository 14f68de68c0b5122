namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>A decision's outcome as the audit log stores it (reported after the call ran), sealed by <see cref="AuditChain.SealOutcome"/>.</summary>
public sealed record AuditOutcome(bool IsError, long Bytes, string? Taint, string? Observation);
