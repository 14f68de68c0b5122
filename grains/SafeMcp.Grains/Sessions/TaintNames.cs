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

    private const Taint Known = Taint.Secrets | Taint.Pii | Taint.UntrustedInstructions;

    // Every combination of the labels, made once: every turn writes its session's taint, most of them none.
    private static readonly string[][] s_combinations = [.. Enumerable.Range(0, (int)Known + 1)
        .Select(bits => s_names.Where(n => (bits & (int)n.Flag) != 0).Select(n => n.Name).ToArray())];

    /// <summary>The names of the labels set in <paramref name="taint"/> (a shared array: never change it).</summary>
    public static IReadOnlyList<string> Of(Taint taint) => s_combinations[(int)(taint & Known)];

    /// <summary>Parses names written by <see cref="Of"/>; unknown names are ignored.</summary>
    public static Taint Parse(IEnumerable<string> names) =>
        names.Aggregate(Taint.None, (acc, name) => acc | s_names.FirstOrDefault(n => n.Name == name).Flag);
}
