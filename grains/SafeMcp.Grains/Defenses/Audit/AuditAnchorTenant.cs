namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>One tenant's chain as an anchor recorded it: its length, the MAC of its last row and how many rows had an outcome.</summary>
public sealed record AuditAnchorTenant(string TenantId, long Rows, string Head, long Outcomes);
