namespace SafeMcp.WorldModel.Evaluation;

/// <summary>
/// The SafeMCP paper's verifiable rewards. Safety: 1 when the label matches. Tools: with FN missed and FP extra
/// tools, <c>STCH = log(exp(FN − ln2) + exp(FP − ln2))</c>, <c>reward = 1 − sigmoid(STCH − 0.69)</c>, normalised so
/// that FN = FP = 0 gives 1.
/// </summary>
public static class VerifiableRewards
{
    private const float Shift = 0.69f;
    private static readonly float Perfect = Raw(0, 0);

    /// <summary>The safety reward.</summary>
    public static float Safety(Network.SafetyLabel predicted, Network.SafetyLabel actual) => predicted == actual ? 1f : 0f;

    /// <summary>The tools reward for <paramref name="missed"/> false negatives and <paramref name="extra"/> false positives.</summary>
    public static float Tools(int missed, int extra) => Raw(missed, extra) / Perfect;

    /// <summary>The tools reward of a predicted set against the true set.</summary>
    public static float Tools(IReadOnlyCollection<string> predicted, IReadOnlyCollection<string> actual)
    {
        var (truePositives, missed, extra) = Overlap(predicted, actual);
        _ = truePositives;
        return Tools(missed, extra);
    }

    /// <summary>True positives, false negatives and false positives of a predicted set.</summary>
    public static (int TruePositives, int Missed, int Extra) Overlap(IReadOnlyCollection<string> predicted, IReadOnlyCollection<string> actual)
    {
        var truePositives = predicted.Distinct().Count(actual.Contains);
        return (truePositives, actual.Distinct().Count() - truePositives, predicted.Distinct().Count() - truePositives);
    }

    private static float Raw(int missed, int extra)
    {
        var ln2 = MathF.Log(2f);
        var stch = MathF.Log(MathF.Exp(missed - ln2) + MathF.Exp(extra - ln2));
        return 1f - 1f / (1f + MathF.Exp(-(stch - Shift)));
    }
}
