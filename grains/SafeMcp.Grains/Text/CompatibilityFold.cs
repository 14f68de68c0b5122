using System.Text;

namespace SafeMcp.Grains.Text;

/// <summary>
/// Folds the compatibility forms used to disguise names and paths to the characters they stand for: NFKC where the
/// runtime has it, and always the forms that matter here by table, because the service runs with invariant
/// globalization (no ICU), where <see cref="string.Normalize()"/> leaves non-ASCII text as it is: fullwidth ASCII
/// (U+FF01–U+FF5E), the ideographic space, one-dot leader and small full stop, division and fraction slashes, the
/// Kelvin and Ångström signs, long s, and the Latin ligatures.
/// </summary>
public static class CompatibilityFold
{
    /// <summary><paramref name="text"/> with compatibility forms folded; the same instance when it has none.</summary>
    public static string Fold(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }
        var normalized = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        StringBuilder? folded = null;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            var replacement = Replacement(c);
            if (replacement is null)
            {
                folded?.Append(c);
                continue;
            }
            folded ??= new StringBuilder(normalized.Length).Append(normalized, 0, i);
            folded.Append(replacement);
        }
        return folded?.ToString() ?? normalized;
    }

    private static string? Replacement(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => ((char)(c - 0xFEE0)).ToString(),
        '\u3000' => " ",
        '\u2024' or '\uFE52' => ".",
        '\u2215' or '\u2044' => "/",
        '\uFE68' => "\\",
        '\u212A' => "K",
        '\u212B' => "\u00C5",
        '\u017F' => "s",
        '\uFB00' => "ff",
        '\uFB01' => "fi",
        '\uFB02' => "fl",
        '\uFB03' => "ffi",
        '\uFB04' => "ffl",
        '\uFB05' or '\uFB06' => "st",
        _ => null,
    };
}
