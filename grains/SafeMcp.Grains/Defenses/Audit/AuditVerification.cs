namespace SafeMcp.Grains.Defenses.Audit;

/// <summary>The result of verifying one tenant's chain.</summary>
public sealed record AuditVerification(string TenantId, long Rows, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the chain is intact.</summary>
    public bool IsIntact => Problems.Count == 0;

    /// <summary>Rows linked before keys existed (plain SHA-256): an attacker who can write the database could have rewritten them.</summary>
    public long Unkeyed { get; init; }

    /// <summary>The stored MAC of the last row (<see cref="AuditChain.Genesis"/> for an empty chain): what an anchor records.</summary>
    public string Head { get; init; } = AuditChain.Genesis;

    /// <summary>Rows with an outcome: what an anchor records, so that removing outcomes shows.</summary>
    public long Outcomes { get; init; }
}
