using System.Collections.Concurrent;

namespace SafeMcp.Silo.Tenants;

/// <summary>Finds the tenant of an API key. Known keys are cached so the hot path does not touch storage.</summary>
internal sealed class ApiKeyAuthenticator(ITenantStore store, TimeProvider time)
{
    /// <summary>How long a key stays cached before it is looked up again (so a revocation takes effect). 60 s.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (KeyOwner Owner, long CachedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The tenant and role of <paramref name="key"/>, or null when the key is malformed, unknown or revoked.</summary>
    public async ValueTask<KeyOwner?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        if (!ApiKeys.IsWellFormed(key))
        {
            return null;
        }
        if (_cache.TryGetValue(key, out var cached) && time.GetElapsedTime(cached.CachedAt) < CacheLifetime)
        {
            return cached.Owner;
        }
        var owner = await store.FindKeyAsync(ApiKeys.Hash(key), cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            _cache.TryRemove(key, out _);
            return null;
        }
        _cache[key] = (owner, time.GetTimestamp());
        return owner;
    }
}
