using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// The readings of an argument string an agent may hide a secret in: with invisible characters removed
/// (zero-width-separated), percent-decoded, base64-decoded (the whole string or the base64 runs in it), and reversed.
/// One level of each; a secret wrapped in several encodings at once, or in one this does not know, passes.
/// </summary>
public static partial class DecodedText
{
    /// <summary>Shortest string or base64 run decoded or reversed (shorter ones cannot hold a key format).</summary>
    public const int MinChars = 16;

    /// <summary>Base64 runs decoded in one string, at most.</summary>
    public const int MaxBase64Runs = 8;

    /// <summary>Adds to <paramref name="into"/> every reading of <paramref name="text"/> that differs from it.</summary>
    public static void Variants(string text, List<string> into)
    {
        var visible = ContentScanner.IndexOfHiddenUnicode(text) >= 0 ? WithoutHiddenCharacters(text) : text;
        if (!ReferenceEquals(visible, text))
        {
            into.Add(visible);
        }
        if (visible.Length < MinChars)
        {
            return;
        }
        if (visible.Contains('%', StringComparison.Ordinal))
        {
            var decoded = SecretLocations.Normalize(visible);
            if (decoded != visible)
            {
                into.Add(decoded);
            }
        }
        var runs = 0;
        foreach (Match run in Base64RunPattern().Matches(visible))
        {
            if (runs++ >= MaxBase64Runs)
            {
                break;
            }
            if (FromBase64(run.Value) is { } decoded)
            {
                into.Add(decoded);
            }
        }
        var reversed = visible.ToCharArray();
        Array.Reverse(reversed);
        into.Add(new string(reversed));
    }

    /// <summary><paramref name="text"/> without the characters a human does not see (see <see cref="ContentScanner.IndexOfHiddenUnicode"/>).</summary>
    public static string WithoutHiddenCharacters(string text)
    {
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var hidden = ContentScanner.IndexOfHiddenUnicode(text[i..]);
            if (hidden < 0)
            {
                builder.Append(text, i, text.Length - i);
                break;
            }
            builder.Append(text, i, hidden);
            // A tag character or supplementary variation selector is a surrogate pair.
            i += hidden + (char.IsHighSurrogate(text[i + hidden]) ? 2 : 1);
        }
        return builder.ToString();
    }

    /// <summary>The text a base64 (or base64url) run decodes to, when it is UTF-8 that is mostly printable; else null.</summary>
    private static string? FromBase64(string run)
    {
        var standard = run.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(standard.Length)];
        if (!Convert.TryFromBase64String(standard, bytes, out var written) || written == 0)
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var printable = 0;
        foreach (var c in decoded)
        {
            printable += char.IsControl(c) && c is not ('\n' or '\r' or '\t') ? 0 : 1;
        }
        return printable * 10 >= decoded.Length * 9 ? decoded : null;
    }

    [GeneratedRegex(@"[A-Za-z0-9+/_-]{16,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex Base64RunPattern();
}
