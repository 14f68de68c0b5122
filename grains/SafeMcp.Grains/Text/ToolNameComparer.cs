using System.Text;

namespace SafeMcp.Grains.Text;

/// <summary>
/// Compares tool names as a person reads them: Unicode compatibility forms folded (NFKC: fullwidth letters, ligatures)
/// and case folded, so a policy naming <c>send_message_X</c> also covers <c>Send_message_X</c> and <c>ｓｅｎｄ_message_X</c>.
/// </summary>
public sealed class ToolNameComparer : IEqualityComparer<string>
{
    /// <summary>The one instance.</summary>
    public static ToolNameComparer Instance { get; } = new();

    private ToolNameComparer()
    {
    }

    /// <summary>The form names are compared in.</summary>
    public static string Fold(string name)
    {
        var folded = Ascii.IsValid(name) || name.IsNormalized(NormalizationForm.FormKC) ? name : name.Normalize(NormalizationForm.FormKC);
        // Upper then lower: folds the letters whose lower-case form alone does not meet (e.g. the Kelvin sign, long s).
        return folded.ToUpperInvariant().ToLowerInvariant();
    }

    /// <inheritdoc />
    public bool Equals(string? x, string? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && string.Equals(Fold(x), Fold(y), StringComparison.Ordinal));

    /// <inheritdoc />
    public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Fold(obj));
}
