using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.LookAhead;

/// <summary>
/// Rolls a check forward: the current action is assumed to run and return what the next-state head predicts;
/// then the likeliest next tools (those the model scores highest) are each tried as the next action. A
/// candidate judged unsafe is filtered now, before the agent can reach it. The rollout continues H steps
/// along the first candidate that is not filtered. All candidates of a step run as one batch through
/// <paramref name="predict"/> (the predictor's).
/// </summary>
public sealed class LookAheadPlanner(Func<IReadOnlyList<WorldModelInput>, Prediction[]> predict, LookAheadOptions options)
{
    /// <summary>Words standing for predicted next-state features in a rolled observation (hashed like real ones).</summary>
    private static readonly string[] FeatureWords = ["email address phone", "ignore previous instructions", "password api key token"];

    /// <summary>The options.</summary>
    public LookAheadOptions Options { get; } = options;

    /// <summary>Tools to filter because a rollout from <paramref name="input"/> reaches a hazard through them.</summary>
    public IReadOnlyList<string> Hazards(WorldModelInput input, Prediction prediction)
    {
        var filtered = new List<string>();
        if (Options.Steps <= 0 || input.Current?.Action is null || input.Tools.Count == 0)
        {
            return filtered;
        }
        var state = input;
        var current = prediction;
        for (var step = 0; step < Options.Steps; step++)
        {
            var observation = Observation(current.NextState);
            var prefix = state.Prefix.Append(state.Current! with { Observation = observation }).ToArray();
            var candidates = Enumerable.Range(0, state.Tools.Count)
                .Where(t => state.Tools[t].Name != state.Current!.Action && !filtered.Contains(state.Tools[t].Name))
                .OrderByDescending(t => current.ToolProbabilities[t]).ThenBy(t => t)
                .Take(Options.Candidates)
                .ToArray();
            if (candidates.Length == 0)
            {
                break;
            }
            var rolled = candidates.Select(t => state with { Prefix = prefix, Current = new TrajectoryStep(state.Tools[t].Name, null, null, null) }).ToArray();
            var predictions = predict(rolled);
            var next = -1;
            for (var c = 0; c < candidates.Length; c++)
            {
                if (predictions[c].LabelProbabilities[(int)SafetyLabel.Unsafe] >= Options.HazardProbability)
                {
                    filtered.Add(state.Tools[candidates[c]].Name);
                }
                else if (next < 0)
                {
                    next = c;
                }
            }
            if (next < 0)
            {
                break;
            }
            state = rolled[next];
            current = predictions[next];
        }
        return filtered;
    }

    private string Observation(float[] nextState)
    {
        var words = new List<string>();
        for (var k = 0; k < nextState.Length; k++)
        {
            if (nextState[k] >= Options.NextStateProbability)
            {
                words.Add(FeatureWords[k]);
            }
        }
        return string.Join(' ', words);
    }
}
