using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Chooses the decision thresholds of a model from its predictions on rows it was not trained on: first the
/// safe-label bias (best macro-F1 among those keeping false interventions on safe rows within a bound), then
/// the tool threshold (best tool F1 under that bias).
/// </summary>
public sealed class ThresholdCalibrator(double maxFalseIntervention)
{
    /// <summary>Smallest safe-label bias tried, in log-odds.</summary>
    public const float MinSafeBias = -1f;

    /// <summary>Largest safe-label bias tried, in log-odds.</summary>
    public const float MaxSafeBias = 5f;

    /// <summary>Step between safe-label biases tried.</summary>
    public const float SafeBiasStep = 0.25f;

    /// <summary>The thresholds for <paramref name="predictions"/> of <paramref name="rows"/> (same order).</summary>
    public (float SafeBias, float ToolThreshold) Choose(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float initialToolThreshold)
    {
        var safeBias = ChooseSafeBias(rows, predictions, initialToolThreshold);
        return (safeBias, ChooseToolThreshold(rows, predictions, safeBias));
    }

    /// <summary>The report of <paramref name="predictions"/> under the given thresholds.</summary>
    public static EvaluationReport Score(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float safeBias, float toolThreshold)
    {
        var outcomes = rows.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], toolThreshold, safeBias)).ToArray();
        return Evaluator.Evaluate(rows, outcomes, []);
    }

    private float ChooseSafeBias(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float toolThreshold)
    {
        var best = (Bias: 0f, MacroF1: -1.0, FalseIntervention: double.MaxValue);
        var steps = (int)Math.Round((MaxSafeBias - MinSafeBias) / SafeBiasStep);
        for (var k = 0; k <= steps; k++)
        {
            var bias = MinSafeBias + k * SafeBiasStep;
            var report = Score(rows, predictions, bias, toolThreshold);
            var within = report.FalseInterventionOnSafe <= maxFalseIntervention;
            var bestWithin = best.FalseIntervention <= maxFalseIntervention;
            var better = within
                ? !bestWithin || report.MacroF1 > best.MacroF1 + 1e-9
                : !bestWithin && report.FalseInterventionOnSafe < best.FalseIntervention - 1e-9;
            if (better)
            {
                best = (bias, report.MacroF1, report.FalseInterventionOnSafe);
            }
        }
        return best.Bias;
    }

    private static float ChooseToolThreshold(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float safeBias)
    {
        var best = (Threshold: 0.5f, F1: -1.0);
        for (var k = 0; k <= 12; k++)
        {
            var threshold = MathF.Round(0.2f + 0.05f * k, 2);
            var f1 = Score(rows, predictions, safeBias, threshold).ToolF1;
            if (f1 > best.F1 + 1e-9)
            {
                best = (threshold, f1);
            }
        }
        return best.Threshold;
    }
}
