using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Detection;

/// <summary>
/// The world-model layer of the decision: asks the inference service where the call leads. <c>unsafe</c> denies
/// the call; <c>critical</c> lets it run and withholds the filtered tools for the rest of the session; <c>safe</c>
/// adds nothing. When the service cannot answer, the call is denied (fail closed).
/// </summary>
public sealed class WorldModelDetector(IWorldModelService service, FeatureOptions? features = null) : ICallDetector
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "world-model";

    private readonly SessionInputBuilder _inputs = new(features ?? new FeatureOptions());

    /// <inheritdoc />
    public async ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (findings.Exists(f => f.Verdict == Verdict.Deny))
        {
            // An earlier layer already denies the call: the strictest verdict cannot change, so the check is saved.
            return;
        }
        CheckOutcome outcome;
        try
        {
            outcome = await service.CheckAsync(_inputs.Build(call), cancellationToken).ConfigureAwait(false);
        }
        catch (WorldModelUnavailableException e)
        {
            findings.Add(new Finding(Layer, Verdict.Deny, $"The world model could not decide ({e.Message}); the call is denied.", []));
            return;
        }
        var finding = Map(call.Tool.Name, outcome);
        if (finding is not null)
        {
            findings.Add(finding);
        }
    }

    /// <summary>The finding a conclusion gives for a call of <paramref name="tool"/>; null when it is safe.</summary>
    public static Finding? Map(string tool, CheckOutcome outcome)
    {
        var probability = outcome.Prediction.LabelProbabilities[(int)outcome.Label];
        switch (outcome.Label)
        {
            case SafetyLabel.Unsafe:
                return new Finding(Layer, Verdict.Deny,
                    $"World model: '{tool}' is predicted to lead to harm (unsafe, p={probability:F2}).", []);
            case SafetyLabel.Critical:
                var withhold = outcome.FilteredTools.Where(t => t != tool).ToArray();
                return withhold.Length == 0
                    ? null
                    : new Finding(Layer, Verdict.Allow,
                        $"World model: the session is at a critical point (p={probability:F2}); withholding {string.Join(", ", withhold)}.", [], withhold);
            default:
                return null;
        }
    }
}
