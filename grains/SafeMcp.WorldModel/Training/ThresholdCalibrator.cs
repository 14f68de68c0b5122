using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>
/// Chooses the decision thresholds of a model from its predictions on rows it was not trained on: first the
/// safe-label bias and the current-action weight of the unsafe label together (best macro-F1 among those keeping
/// false interventions on safe rows within a bound), then the tool threshold (best tool F1 under them).
/// </summary>
public sealed class ThresholdCalibrator(double maxFalseIntervention)
{
    /// <summary>Smallest safe-label bias tried, in log-odds.</summary>
    public const float MinSafeBias = -1f;

    /// <summary>Largest safe-label bias tried, in log-odds.</summary>
    public const float MaxSafeBias = 5f;

    /// <summary>Step between safe-label biases tried.</summary>
    public const float SafeBiasStep = 0.25f;

    /// <summary>Current-action weights tried (<see cref="WorldModelWeights.CurrentActionWeight"/>), 0 first: on a tie the label head alone wins.</summary>
    public static IReadOnlyList<float> CurrentActionWeights { get; } = [0f, 0.25f, 0.5f, 0.75f, 1f, 1.5f];

    /// <summary>The thresholds for <paramref name="predictions"/> of <paramref name="rows"/> (same order).</summary>
    public (float SafeBias, float CurrentActionWeight, float ToolThreshold) Choose(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions,
        float initialToolThreshold)
    {
        var (safeBias, currentActionWeight) = ChooseLabelRule(rows, predictions, initialToolThreshold);
        return (safeBias, currentActionWeight, ChooseToolThreshold(rows, predictions, safeBias, currentActionWeight));
    }

    /// <summary>The report of <paramref name="predictions"/> under the given thresholds.</summary>
    public static EvaluationReport Score(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float safeBias, float toolThreshold,
        float currentActionWeight = 0)
    {
        var outcomes = rows.Select((r, i) => CheckOutcome.From(r.Input, predictions[i], toolThreshold, safeBias, currentActionWeight)).ToArray();
        return Evaluator.Evaluate(rows, outcomes, []);
    }

    /// <summary>The share of <paramref name="prefixCalls"/> the label rule calls unsafe or critical (0 when there are none).</summary>
    public static double PrefixInterventionRate(IReadOnlyList<(WorldModelInput Input, Prediction Prediction)> prefixCalls, float safeBias, float currentActionWeight) =>
        prefixCalls.Count == 0 ? 0
            // The label does not depend on the tool threshold: any will do.
            : (double)prefixCalls.Count(c => CheckOutcome.From(c.Input, c.Prediction, toolThreshold: 1, safeBias, currentActionWeight).Label != SafetyLabel.Safe)
                / prefixCalls.Count;

    private (float SafeBias, float CurrentActionWeight) ChooseLabelRule(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float toolThreshold)
    {
        var best = (Bias: 0f, Weight: 0f, MacroF1: -1.0, FalseIntervention: double.MaxValue);
        var steps = (int)Math.Round((MaxSafeBias - MinSafeBias) / SafeBiasStep);
        foreach (var weight in CurrentActionWeights)
        {
            for (var k = 0; k <= steps; k++)
            {
                var bias = MinSafeBias + k * SafeBiasStep;
                var report = Score(rows, predictions, bias, toolThreshold, weight);
                var within = report.FalseInterventionOnSafe <= maxFalseIntervention;
                var bestWithin = best.FalseIntervention <= maxFalseIntervention;
                var better = within
                    ? !bestWithin || report.MacroF1 > best.MacroF1 + 1e-9
                    : !bestWithin && report.FalseInterventionOnSafe < best.FalseIntervention - 1e-9;
                if (better)
                {
                    best = (bias, weight, report.MacroF1, report.FalseInterventionOnSafe);
                }
            }
        }
        return (best.Bias, best.Weight);
    }

    private static float ChooseToolThreshold(IReadOnlyList<TrajectoryRow> rows, IReadOnlyList<Prediction> predictions, float safeBias, float currentActionWeight)
    {
        var best = (Threshold: 0.5f, F1: -1.0);
        for (var k = 0; k <= 12; k++)
        {
            var threshold = MathF.Round(0.2f + 0.05f * k, 2);
            var f1 = Score(rows, predictions, safeBias, threshold, currentActionWeight).ToolF1;
            if (f1 > best.F1 + 1e-9)
            {
                best = (threshold, f1);
            }
        }
        return best.Threshold;
    }
}
