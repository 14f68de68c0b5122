namespace SafeMcp.WorldModel.Features;

/// <summary>
/// Maps (namespace, token) to a bucket of the embedding table: FNV-1a over the namespace and the token's
/// lower-case characters. Stable across processes and machines, so a model file means the same everywhere.
/// </summary>
public sealed class FeatureHasher(int buckets)
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>The number of buckets (rows of the embedding table).</summary>
    public int Buckets { get; } = buckets > 0 ? buckets : throw new ArgumentOutOfRangeException(nameof(buckets));

    /// <summary>The bucket of <paramref name="token"/> in namespace <paramref name="ns"/>.</summary>
    public int Bucket(char ns, ReadOnlySpan<char> token)
    {
        var hash = (OffsetBasis ^ ns) * Prime;
        hash = (hash ^ ':') * Prime;
        foreach (var c in token)
        {
            hash = (hash ^ char.ToLowerInvariant(c)) * Prime;
        }
        // A final avalanche so that low bits (the bucket) depend on every character.
        hash ^= hash >> 15;
        hash *= 0x2c1b3c6d;
        hash ^= hash >> 12;
        return (int)(hash % (uint)Buckets);
    }
}
