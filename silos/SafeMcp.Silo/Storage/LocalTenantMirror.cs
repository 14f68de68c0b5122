using System.Collections.Concurrent;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Storage;

/// <summary>
/// Cluster mode: tenants live in the shared database; the defenses' stores still use the silo's local SQLite
/// file, whose rows reference a tenant. Every tenant an API key resolves to is mirrored there (once) before use.
/// </summary>
internal sealed class LocalTenantMirror(ITenantStore shared, ITenantStore local) : ITenantStore
{
    private readonly ConcurrentDictionary<string, bool> _mirrored = new(StringComparer.Ordinal);

    public Task CreateTenantAsync(string tenantId, string name, CancellationToken cancellationToken) => shared.CreateTenantAsync(tenantId, name, cancellationToken);

    public Task AddKeyAsync(string tenantId, string keyHash, string keyPrefix, KeyRole role, CancellationToken cancellationToken) => shared.AddKeyAsync(tenantId, keyHash, keyPrefix, role, cancellationToken);

    public Task<long> CountTenantsAsync(CancellationToken cancellationToken) => shared.CountTenantsAsync(cancellationToken);

    public async Task<KeyOwner?> FindKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        var owner = await shared.FindKeyAsync(keyHash, cancellationToken).ConfigureAwait(false);
        var tenant = owner?.TenantId;
        if (tenant is not null && !_mirrored.ContainsKey(tenant))
        {
            try
            {
                await local.CreateTenantAsync(tenant, tenant, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Mirrored by an earlier run of this silo.
            }
            _mirrored[tenant] = true;
        }
        return owner;
    }
}
