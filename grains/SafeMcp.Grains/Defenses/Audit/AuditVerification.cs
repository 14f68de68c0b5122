namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>The result of verifying one tenant's chain.</summary>
public sealed record AuditVerification(string TenantId, long Rows, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the chain is intact.</summary>
    public bool IsIntact => Problems.Count == 0;
}
