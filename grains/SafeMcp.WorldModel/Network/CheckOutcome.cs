using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Network;

/// <summary>What a check concludes: the label and the tools to filter.</summary>
public sealed record CheckOutcome(SafetyLabel Label, IReadOnlyList<string> FilteredTools, Prediction Prediction)
{
    /// <summary>
    /// Turns a prediction into a conclusion: safe filters nothing; unsafe filters the current action and every
    /// tool at or above the threshold; critical filters the tools at or above the threshold, at least the likeliest.
    /// </summary>
    public static CheckOutcome From(WorldModelInput input, Prediction prediction, float toolThreshold, float safeBias = 0)
    {
        var label = Decide(prediction.LabelProbabilities, safeBias);
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

    /// <summary>The label with the largest probability once the safe one is scaled by e^<paramref name="safeBias"/>.</summary>
    public static SafetyLabel Decide(ReadOnlySpan<float> probabilities, float safeBias)
    {
        var best = SafetyLabel.Safe;
        var bestScore = probabilities[(int)SafetyLabel.Safe] * MathF.Exp(safeBias);
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > bestScore)
            {
                best = (SafetyLabel)c;
                bestScore = probabilities[c];
            }
        }
        return best;
    }
}
