using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Detection;

/// <summary>
/// The world-model layer of the decision: asks the inference service where the call leads. <c>unsafe</c> denies
/// the call; <c>critical</c> lets it run and withholds the filtered tools for the rest of the session; <c>safe</c>
/// adds nothing. When the service cannot answer, the call is denied (fail closed). As a session opens or changes its
/// task or tools, the initial check (no current call; <see cref="WorldModelDetectorOptions.InitialCheck"/>) withholds
/// the tools it filters from the start: the session's first tool list is already filtered. An initial check the service
/// cannot answer withholds nothing, since every call is still checked and denied while the service cannot answer.
/// </summary>
public sealed class WorldModelDetector(IWorldModelService service, FeatureOptions? features = null, WorldModelDetectorOptions? options = null)
    : ICallDetector, IOpeningCheck
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "world-model";

    private readonly SessionInputBuilder _inputs = new(features ?? new FeatureOptions());
    private readonly bool _initialCheck = (options ?? new WorldModelDetectorOptions()).InitialCheck;

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
        var finding = Map(call.Session.Tools.SessionName(call.Tool), outcome);
        if (finding is not null)
        {
            findings.Add(finding);
        }
    }

    /// <inheritdoc />
    public async ValueTask InspectOpeningAsync(SessionState session, List<WithheldTool> withheld, CancellationToken cancellationToken)
    {
        if (!_initialCheck)
        {
            return;
        }
        CheckOutcome outcome;
        try
        {
            outcome = await service.CheckAsync(_inputs.BuildOpening(session), cancellationToken).ConfigureAwait(false);
        }
        catch (WorldModelUnavailableException)
        {
            return;
        }
        if (outcome.Label == SafetyLabel.Safe)
        {
            return;
        }
        var probability = outcome.Prediction.LabelProbabilities[(int)outcome.Label];
        var label = outcome.Label == SafetyLabel.Critical ? "critical" : "unsafe";
        var reason = $"World model: the task and tools put the session at risk from the start ({label}, p={probability:F2}); "
            + $"withholding {string.Join(", ", outcome.FilteredTools)}.";
        foreach (var name in outcome.FilteredTools)
        {
            // The model names tools by their session names (server/tool where two servers share a name).
            foreach (var tool in session.Tools.Resolve(name))
            {
                withheld.Add(new WithheldTool(tool.Name, reason, [], tool.Server));
            }
        }
    }

    /// <summary>The finding a conclusion gives for a call of <paramref name="tool"/> (its session name); null when it is safe.</summary>
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
