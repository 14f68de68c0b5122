namespace SafeMcp.Grains.Defenses.Poisoning.Evaluation;

/// <summary>The whole evaluation: per technique and overall, with the benign tools that were flagged.</summary>
public sealed record PoisoningEvaluationResult(int BenignCount, int BenignFlagged, IReadOnlyList<PoisoningEvaluationRow> Techniques, PoisoningEvaluationRow Overall, IReadOnlyList<string> FalsePositives)
{
    /// <summary>Share of benign tools flagged.</summary>
    public double FalsePositiveRate => BenignCount == 0 ? 0 : (double)BenignFlagged / BenignCount;
}
