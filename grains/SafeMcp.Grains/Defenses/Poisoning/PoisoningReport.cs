namespace SafeMcp.Grains.Defenses.Poisoning;

/// <summary>What <see cref="ToolPoisoningScanner"/> found in one tool.</summary>
public sealed record PoisoningReport(IReadOnlyList<PoisoningHit> Hits)
{
    /// <summary>A report with no hit.</summary>
    public static PoisoningReport Clean { get; } = new([]);

    /// <summary>Whether any sign of poisoning was found.</summary>
    public bool IsPoisoned => Hits.Count > 0;

    /// <summary>The distinct technique ids of the hits.</summary>
    public IReadOnlyList<string> Techniques => Hits.Select(h => h.Technique).Distinct().ToArray();

    /// <summary>One sentence naming the first few hits.</summary>
    public string Describe(int maxHits = 3) =>
        string.Join("; ", Hits.Take(maxHits).Select(h => $"{h.Cue} in {h.Field}"));
}
