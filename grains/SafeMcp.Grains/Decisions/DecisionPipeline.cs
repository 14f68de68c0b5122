using SafeMcp.Contracts;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>
/// The layers that decide a call, in order, and the rules that filter tools. One instance serves every
/// session of a silo; it holds no per-session state.
/// </summary>
public sealed class DecisionPipeline(IReadOnlyList<ICallDetector> detectors, IReadOnlyList<IVisibilityRule> visibilityRules)
{
    /// <summary>The built-in rule layer only.</summary>
    public static DecisionPipeline RulesOnly() => new([new HazardRules()], [new TaintVisibilityRule()]);

    /// <summary>The detectors, in the order they run.</summary>
    public IReadOnlyList<ICallDetector> Detectors { get; } = detectors;

    /// <summary>The proactive filtering rules.</summary>
    public IReadOnlyList<IVisibilityRule> VisibilityRules { get; } = visibilityRules;

    /// <summary>Runs every detector on <paramref name="call"/>.</summary>
    public async ValueTask<List<Finding>> InspectAsync(CallContext call, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>(4);
        foreach (var detector in Detectors)
        {
            await detector.InspectAsync(call, findings, cancellationToken).ConfigureAwait(false);
        }
        return findings;
    }

    /// <summary>Adds to <paramref name="session"/>'s withheld set every tool a visibility rule names. Returns whether the set grew.</summary>
    public bool ApplyVisibility(SessionState session)
    {
        var withheld = new List<WithheldTool>();
        foreach (var rule in VisibilityRules)
        {
            rule.Apply(session, withheld);
        }
        var grew = false;
        foreach (var tool in withheld)
        {
            if (session.Tools.ContainsKey(tool.Name) && session.Withheld.TryAdd(tool.Name, tool))
            {
                grew = true;
            }
        }
        return grew;
    }
}
