namespace SafeMcp.Grains.Sessions;

/// <summary>The wire names of taint labels.</summary>
public static class TaintNames
{
    private static readonly (Taint Flag, string Name)[] s_names =
    [
        (Taint.Secrets, "secrets"),
        (Taint.Pii, "pii"),
        (Taint.UntrustedInstructions, "untrusted_instructions"),
    ];

    /// <summary>The names of the labels set in <paramref name="taint"/>.</summary>
    public static IReadOnlyList<string> Of(Taint taint) =>
        s_names.Where(n => (taint & n.Flag) != 0).Select(n => n.Name).ToArray();

    /// <summary>Parses names written by <see cref="Of"/>; unknown names are ignored.</summary>
    public static Taint Parse(IEnumerable<string> names) =>
        names.Aggregate(Taint.None, (acc, name) => acc | s_names.FirstOrDefault(n => n.Name == name).Flag);
}
