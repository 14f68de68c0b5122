namespace SafeMcp.Grains.Text;

/// <summary>
/// Compares tool names as a person reads them: Unicode compatibility forms folded (<see cref="CompatibilityFold"/>: fullwidth letters, ligatures)
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
        // Upper then lower: letters whose lower-case forms alone do not meet fold together.
        return CompatibilityFold.Fold(name).ToUpperInvariant().ToLowerInvariant();
    }

    /// <inheritdoc />
    public bool Equals(string? x, string? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && string.Equals(Fold(x), Fold(y), StringComparison.Ordinal));

    /// <inheritdoc />
    public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Fold(obj));
}
