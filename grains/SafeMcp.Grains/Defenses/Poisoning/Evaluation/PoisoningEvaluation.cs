using SafeMcp.Contracts;

namespace SafeMcp.Grains.Defenses.Poisoning.Evaluation;

/// <summary>
/// Precision and recall of <see cref="ToolPoisoningScanner"/> on a labelled set: benign tools and poisoned variants of
/// them per technique. A variant counts as found for its technique when the scanner flags it with that technique id;
/// a benign tool flagged with a technique is a false positive of that technique.
/// </summary>
public static class PoisoningEvaluation
{
    /// <summary>Evaluates the scanner on <paramref name="benign"/> and <paramref name="perTechnique"/> variants a technique made with <paramref name="seed"/>.</summary>
    public static PoisoningEvaluationResult Run(IReadOnlyList<ToolDescriptor> benign, int perTechnique, int seed)
    {
        var generator = new PoisonedToolGenerator(benign, seed);
        var benignReports = benign.Select(ToolPoisoningScanner.Scan).ToArray();
        var falsePositives = benignReports.Count(r => r.IsPoisoned);
        var rows = new List<PoisoningEvaluationRow>();
        var foundAny = 0;
        var total = 0;
        foreach (var technique in PoisonedToolGenerator.Techniques)
        {
            var variants = generator.Generate(technique, perTechnique);
            var reports = variants.Select(ToolPoisoningScanner.Scan).ToArray();
            var found = reports.Count(r => r.Techniques.Contains(technique));
            foundAny += reports.Count(r => r.IsPoisoned);
            total += variants.Count;
            var benignFlagged = benignReports.Count(r => r.Techniques.Contains(technique));
            rows.Add(new PoisoningEvaluationRow(technique, variants.Count, found, benignFlagged));
        }
        return new PoisoningEvaluationResult(benign.Count, falsePositives, rows,
            new PoisoningEvaluationRow("overall", total, foundAny, falsePositives),
            benign.Where((_, i) => benignReports[i].IsPoisoned).Select((t, i) => $"{t.Name}: {ToolPoisoningScanner.Scan(t).Describe()}").ToArray());
    }
}
