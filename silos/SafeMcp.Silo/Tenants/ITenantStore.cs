namespace SafeMcp.Silo.Tenants;

/// <summary>Tenants and their API keys (kept as hashes).</summary>
public interface ITenantStore
{
    /// <summary>Creates a tenant. Throws <see cref="InvalidOperationException"/> when the id is taken.</summary>
    Task CreateTenantAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Stores the hash of a new key for <paramref name="tenantId"/> with its role.</summary>
    Task AddKeyAsync(string tenantId, string keyHash, string keyPrefix, KeyRole role, CancellationToken cancellationToken);

    /// <summary>The tenant and role of a (non-revoked) key hash, or null.</summary>
    Task<KeyOwner?> FindKeyAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>How many tenants exist.</summary>
    Task<long> CountTenantsAsync(CancellationToken cancellationToken);
}
