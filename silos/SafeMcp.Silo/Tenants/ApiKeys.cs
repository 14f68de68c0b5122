using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeMcp.Silo.Tenants;

/// <summary>API keys: 256 random bits, shown once, stored as a SHA-256 hash (high-entropy keys need no slow hash).</summary>
public static partial class ApiKeys
{
    /// <summary>Every key starts with this, so that leaked keys are easy to scan for.</summary>
    public const string Prefix = "smk_";

    /// <summary>A new random key.</summary>
    public static string Generate() => Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The hash stored for <paramref name="key"/>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The first characters of a key, stored to tell keys apart.</summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(key.Length, Prefix.Length + 6)];

    /// <summary>Whether <paramref name="key"/> has the shape of a key (it may still be unknown).</summary>
    public static bool IsWellFormed(string key) => KeyPattern().IsMatch(key);

    /// <summary>Creates <paramref name="tenantId"/> with a first key, an admin key, and returns it (shown once, never stored).</summary>
    public static async Task<string> CreateTenantWithKeyAsync(ITenantStore store, string tenantId, string? name, CancellationToken cancellationToken)
    {
        if (!TenantIdPattern().IsMatch(tenantId))
        {
            throw new ArgumentException("A tenant id is 1–64 characters of lower-case letters, digits and '-', starting with a letter or digit.", nameof(tenantId));
        }
        await store.CreateTenantAsync(tenantId, name ?? tenantId, cancellationToken).ConfigureAwait(false);
        return await AddKeyAsync(store, tenantId, KeyRole.Admin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a key to an existing tenant and returns it (shown once, never stored).</summary>
    public static async Task<string> AddKeyAsync(ITenantStore store, string tenantId, KeyRole role, CancellationToken cancellationToken)
    {
        var key = Generate();
        await store.AddKeyAsync(tenantId, Hash(key), DisplayPrefix(key), role, cancellationToken).ConfigureAwait(false);
        return key;
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^smk_[A-Za-z0-9_-]{43}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
