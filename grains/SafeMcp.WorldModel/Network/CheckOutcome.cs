using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Network;

/// <summary>What a check concludes: the label and the tools to filter.</summary>
public sealed record CheckOutcome(SafetyLabel Label, IReadOnlyList<string> FilteredTools, Prediction Prediction)
{
    /// <summary>Filter probabilities are clamped to [this, 1 − this] before their log-odds are taken.</summary>
    private const float MinFilterProbability = 1e-4f;

    /// <summary>
    /// Turns a prediction into a conclusion: safe filters nothing; unsafe filters the current action and every
    /// tool at or above the threshold; critical filters the tools at or above the threshold, at least the likeliest.
    /// The label is <see cref="Decide"/>'s, the unsafe one raised by <paramref name="currentActionWeight"/> times the
    /// current action's filter log-odds (<see cref="CurrentActionLogOdds"/>).
    /// </summary>
    public static CheckOutcome From(WorldModelInput input, Prediction prediction, float toolThreshold, float safeBias = 0, float currentActionWeight = 0)
    {
        var unsafeBias = currentActionWeight == 0 ? 0 : currentActionWeight * CurrentActionLogOdds(input, prediction);
        var label = Decide(prediction.LabelProbabilities, safeBias, unsafeBias);
        if (label == SafetyLabel.Safe || input.Tools.Count == 0)
        {
            return new CheckOutcome(label, [], prediction);
        }
        var filtered = new List<string>();
        var best = 0;
        for (var t = 0; t < input.Tools.Count; t++)
        {
            if (prediction.ToolProbabilities[t] >= toolThreshold)
            {
                filtered.Add(input.Tools[t].Name);
            }
            if (prediction.ToolProbabilities[t] > prediction.ToolProbabilities[best])
            {
                best = t;
            }
        }
        if (label == SafetyLabel.Unsafe && input.Current?.Action is { } current && !filtered.Contains(current)
            && input.Tools.Any(t => t.Name == current))
        {
            filtered.Insert(0, current);
        }
        if (filtered.Count == 0)
        {
            filtered.Add(input.Tools[best].Name);
        }
        return new CheckOutcome(label, filtered, prediction);
    }

    /// <summary>
    /// The label with the largest probability once the safe one is scaled by e^<paramref name="safeBias"/> and the
    /// unsafe one by e^<paramref name="unsafeBias"/>.
    /// </summary>
    public static SafetyLabel Decide(ReadOnlySpan<float> probabilities, float safeBias, float unsafeBias = 0)
    {
        var best = SafetyLabel.Safe;
        var bestScore = probabilities[(int)SafetyLabel.Safe] * MathF.Exp(safeBias);
        for (var c = 1; c < probabilities.Length; c++)
        {
            var score = c == (int)SafetyLabel.Unsafe && unsafeBias != 0 ? probabilities[c] * MathF.Exp(unsafeBias) : probabilities[c];
            if (score > bestScore)
            {
                best = (SafetyLabel)c;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>
    /// The log-odds of the filter probability of the tool the current action calls (clamped away from 0 and 1);
    /// 0 when there is no current action or it calls no available tool.
    /// </summary>
    public static float CurrentActionLogOdds(WorldModelInput input, Prediction prediction)
    {
        if (input.Current?.Action is not { } action)
        {
            return 0;
        }
        for (var t = 0; t < input.Tools.Count; t++)
        {
            if (input.Tools[t].Name == action)
            {
                var probability = Math.Clamp(prediction.ToolProbabilities[t], MinFilterProbability, 1 - MinFilterProbability);
                return MathF.Log(probability / (1 - probability));
            }
        }
        return 0;
    }
}
