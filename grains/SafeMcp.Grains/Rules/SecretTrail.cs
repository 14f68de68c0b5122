using System.Text.Json;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Tracks a secret across a session's calls, for what a single call's scan cannot see: fingerprints of every
/// <see cref="WindowChars"/>-character window of the secrets the session read (a fragment of one in a later call's
/// arguments is that secret leaving in pieces), and the tail of the previous call's argument strings (a key format split
/// over two calls matches across the seam). Kept in memory with the session's state, not stored: a session that is
/// deactivated and activated again starts a new trail (its taint, which is stored, still holds).
/// </summary>
public static class SecretTrail
{
    /// <summary>Length of the fragments fingerprinted: long enough not to match by chance, short enough for a split in two or three.</summary>
    public const int WindowChars = 10;

    /// <summary>Fingerprints kept a session at most (the oldest secrets' are dropped first).</summary>
    public const int MaxFingerprints = 4096;

    /// <summary>Characters of the previous call's argument strings kept to join with the next call's.</summary>
    public const int CarryChars = 64;

    /// <summary><paramref name="fingerprints"/> with those of the secrets in <paramref name="content"/> added; the same array when it holds none.</summary>
    public static ulong[] Remember(ulong[] fingerprints, string? content)
    {
        if (string.IsNullOrEmpty(content) || !SecretPatterns.Contains(content))
        {
            return fingerprints;
        }
        var set = new HashSet<ulong>(fingerprints);
        var added = new List<ulong>();
        foreach (var secret in SecretPatterns.Values(content.Length > ContentScanner.MaxScannedChars ? content[..ContentScanner.MaxScannedChars] : content))
        {
            for (var i = 0; i + WindowChars <= secret.Length; i++)
            {
                var hash = Fingerprint(secret.AsSpan(i, WindowChars));
                if (set.Add(hash))
                {
                    added.Add(hash);
                }
            }
        }
        if (added.Count == 0)
        {
            return fingerprints;
        }
        var all = fingerprints.Concat(added).ToArray();
        return all.Length > MaxFingerprints ? all[^MaxFingerprints..] : all;
    }

    /// <summary>Whether any argument string (or a reading of one, see <see cref="DecodedText"/>) holds a fragment of a remembered secret.</summary>
    public static bool CarriesFragment(ulong[] fingerprints, IReadOnlyList<ArgumentString> strings)
    {
        if (fingerprints.Length == 0)
        {
            return false;
        }
        var set = new HashSet<ulong>(fingerprints);
        var variants = new List<string>(4);
        foreach (var (_, text) in strings)
        {
            variants.Clear();
            variants.Add(text);
            DecodedText.Variants(text, variants);
            foreach (var variant in variants)
            {
                for (var i = 0; i + WindowChars <= variant.Length; i++)
                {
                    if (set.Contains(Fingerprint(variant.AsSpan(i, WindowChars))))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>Whether a secret format matches only across the seam of <paramref name="carry"/> (the previous call's tail) and this call's strings.</summary>
    public static bool SplitAcrossCalls(string carry, IReadOnlyList<ArgumentString> strings)
    {
        if (carry.Length == 0 || strings.Count == 0)
        {
            return false;
        }
        var joined = Joined(strings);
        return !SecretPatterns.Contains(joined) && SecretPatterns.Contains(carry + joined);
    }

    /// <summary>The tail a call's argument strings leave for the next call's check.</summary>
    public static string Carry(JsonElement? arguments)
    {
        if (arguments is not { ValueKind: JsonValueKind.Object } args)
        {
            return string.Empty;
        }
        var strings = new List<ArgumentString>();
        ArgumentStrings.Collect(args, strings, 8);
        var joined = Joined(strings);
        return joined.Length > CarryChars ? joined[^CarryChars..] : joined;
    }

    private static string Joined(IReadOnlyList<ArgumentString> strings) =>
        strings.Count == 1 ? strings[0].Text : string.Concat(strings.Select(s => s.Text));

    // FNV-1a over the characters: a process-local fingerprint (the trail is never stored).
    private static ulong Fingerprint(ReadOnlySpan<char> window)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in window)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
