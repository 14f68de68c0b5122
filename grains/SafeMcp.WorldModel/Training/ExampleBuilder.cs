using SafeMcp.Grains.Rules;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>Turns labelled rows into training examples.</summary>
public sealed class ExampleBuilder(FeatureExtractor extractor)
{
    /// <summary>A labelled example: label, filtered tools and the scanned next state.</summary>
    public TrainingExample Labelled(TrajectoryRow row)
    {
        var label = row.Label ?? throw new InvalidDataException($"Row {row.Index} has no label.");
        var targets = new float[row.Input.Tools.Count];
        for (var t = 0; t < targets.Length; t++)
        {
            targets[t] = label.FilteredTools.Contains(row.Input.Tools[t].Name) ? 1f : 0f;
        }
        return new TrainingExample(row.Input, extractor.Encode(row.Input), label.Safety, targets,
            NextStateFeature.Targets(ContentScanner.Scan(label.NextState)));
    }

    /// <summary>
    /// Each recorded call of a row's prefix as a safe example: seen from the calls before it, with no tool filtered and
    /// its observation as the next state, counted with <paramref name="weight"/> (see <see cref="TrainingOptions.PresumedSafePrefixShare"/>).
    /// </summary>
    public IEnumerable<TrainingExample> PresumedSafe(TrajectoryRow row, float weight = 1f) =>
        row.Input.PrefixChecks().Select(call => new TrainingExample(call.Check, extractor.Encode(call.Check), SafetyLabel.Safe,
            new float[call.Check.Tools.Count], NextStateFeature.Targets(ContentScanner.Scan(call.Observation)), weight));

    /// <summary>
    /// Dynamics examples (stage 1): every recorded step of a row's prefix, seen from the steps before it,
    /// predicts what its observation carried; the row's current action predicts its labelled next state.
    /// </summary>
    public IEnumerable<TrainingExample> Dynamics(TrajectoryRow row)
    {
        foreach (var (check, observation) in row.Input.PrefixChecks())
        {
            yield return new TrainingExample(check, extractor.Encode(check), null, new float[check.Tools.Count],
                NextStateFeature.Targets(ContentScanner.Scan(observation)));
        }
        if (row.Label is { } label && row.Input.Current?.Action is not null)
        {
            yield return new TrainingExample(row.Input, extractor.Encode(row.Input), null, new float[row.Input.Tools.Count],
                NextStateFeature.Targets(ContentScanner.Scan(label.NextState)));
        }
    }
}
