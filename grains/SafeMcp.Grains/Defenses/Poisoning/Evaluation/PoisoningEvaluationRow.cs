namespace SafeMcp.Grains.Defenses.Poisoning.Evaluation;

/// <summary>One technique's counts: <paramref name="Variants"/> poisoned, <paramref name="Found"/> flagged with it, <paramref name="BenignFlagged"/> benign tools wrongly flagged with it.</summary>
public sealed record PoisoningEvaluationRow(string Technique, int Variants, int Found, int BenignFlagged)
{
    /// <summary>Found / (found + benign flagged); 1 when nothing was flagged.</summary>
    public double Precision => Found + BenignFlagged == 0 ? 1 : (double)Found / (Found + BenignFlagged);

    /// <summary>Found / variants.</summary>
    public double Recall => Variants == 0 ? 0 : (double)Found / Variants;
}
