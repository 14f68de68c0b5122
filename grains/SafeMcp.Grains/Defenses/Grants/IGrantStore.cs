using SafeMcp.Contracts;

namespace SafeMcp.Grains.Defenses.Grants;

/// <summary>Where grants and grant policies are kept (tenant-level state). SQLite and PostgreSQL implement it.</summary>
public interface IGrantStore
{
    /// <summary>The tenant's policy (empty when it has none).</summary>
    Task<GrantPolicy> LoadPolicyAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Replaces the tenant's policy.</summary>
    Task SavePolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken);

    /// <summary>The tenant's grants that have not expired before <paramref name="since"/>.</summary>
    Task<IReadOnlyList<Grant>> LoadGrantsAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a grant.</summary>
    Task SaveGrantAsync(Grant grant, CancellationToken cancellationToken);
}
