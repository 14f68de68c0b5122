namespace SafeMcp.WorldModel.Evaluation;

/// <summary>
/// The figures <c>safemcp eval</c> prints; <paramref name="Confusion"/> counts rows by true label (first index) and
/// predicted label (second), in <see cref="Network.SafetyLabel"/> order, when the evaluation kept it.
/// </summary>
public sealed record EvaluationReport(
    int Rows,
    double Accuracy,
    double MacroF1,
    double ToolsReward,
    double ToolPrecision,
    double ToolRecall,
    double ToolF1,
    double UnsafeRecall,
    double FalseInterventionOnSafe,
    double LatencyP50Microseconds,
    double LatencyP99Microseconds,
    IReadOnlyList<IReadOnlyList<int>>? Confusion = null)
{
    /// <summary>The report as lines for a terminal.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"rows                          {Rows}";
        yield return $"label accuracy                {Accuracy:F3}";
        yield return $"label macro-F1                {MacroF1:F3}";
        yield return $"tools reward (mean)           {ToolsReward:F3}";
        yield return $"tool precision / recall / F1  {ToolPrecision:F3} / {ToolRecall:F3} / {ToolF1:F3}";
        yield return $"unsafe recall                 {UnsafeRecall:F3}";
        yield return $"false intervention (safe)     {FalseInterventionOnSafe:F3}";
        yield return $"latency per check p50 / p99   {LatencyP50Microseconds:F0} µs / {LatencyP99Microseconds:F0} µs";
    }
}
