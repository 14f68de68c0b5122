using System.Text;

namespace SafeMcp.Contracts;

/// <summary>
/// Rendezvous (highest random weight) hashing: the owner of a key is the silo whose hash with the key
/// is highest. Silos and clients compute it the same way, so a client can send a request straight to
/// the owner; when a silo leaves only its keys move.
/// </summary>
public static class RendezvousHash
{
    /// <summary>Header on every cluster answer carrying the membership version (clients refresh when it changes).</summary>
    public const string MembershipVersionHeader = "SafeMcp-Membership-Version";

    /// <summary>The placement key of a session.</summary>
    public static string SessionKey(string tenantId, string sessionId) => tenantId + "/" + sessionId;

    /// <summary>Index of the owner of <paramref name="key"/> among <paramref name="addresses"/>, or -1 when empty.</summary>
    public static int Owner(string key, IReadOnlyList<string> addresses)
    {
        var best = -1;
        ulong bestWeight = 0;
        var keyHash = Fnv(Encoding.UTF8.GetBytes(key), 14695981039346656037UL);
        for (var i = 0; i < addresses.Count; i++)
        {
            var weight = Mix(Fnv(Encoding.UTF8.GetBytes(addresses[i]), keyHash));
            if (best < 0 || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(addresses[i], addresses[best]) < 0))
            {
                best = i;
                bestWeight = weight;
            }
        }
        return best;
    }

    /// <summary>Indices of <paramref name="addresses"/> from the owner of <paramref name="key"/> down (fallback order).</summary>
    public static int[] Ranking(string key, IReadOnlyList<string> addresses)
    {
        var keyHash = Fnv(Encoding.UTF8.GetBytes(key), 14695981039346656037UL);
        return Enumerable.Range(0, addresses.Count)
            .OrderByDescending(i => Mix(Fnv(Encoding.UTF8.GetBytes(addresses[i]), keyHash)))
            .ThenBy(i => addresses[i], StringComparer.Ordinal)
            .ToArray();
    }

    // FNV-1a then a SplitMix64 finalizer: stable across processes and platforms (string.GetHashCode is not).
    private static ulong Fnv(ReadOnlySpan<byte> bytes, ulong seed)
    {
        var hash = seed;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
