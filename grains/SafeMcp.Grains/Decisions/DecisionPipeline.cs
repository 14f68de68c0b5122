using SafeMcp.Contracts;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Decisions;

/// <summary>
/// The layers that decide a call, in order, and the rules that filter tools. One instance serves every
/// session of a silo; it holds no per-session state.
/// </summary>
public sealed class DecisionPipeline(
    IReadOnlyList<ICallDetector> detectors,
    IReadOnlyList<IVisibilityRule> visibilityRules,
    IReadOnlyList<IToolGate>? gates = null,
    IReadOnlyList<IOutcomeObserver>? outcomeObservers = null)
{
    /// <summary>The built-in rule layer only.</summary>
    public static DecisionPipeline RulesOnly() => new([new HazardRules()], [new TaintVisibilityRule()]);

    /// <summary>The detectors, in the order they run.</summary>
    public IReadOnlyList<ICallDetector> Detectors { get; } = detectors;

    /// <summary>The detectors that also check a session as it opens (<see cref="IOpeningCheck"/>), in the same order.</summary>
    public IReadOnlyList<IOpeningCheck> OpeningChecks { get; } = detectors.OfType<IOpeningCheck>().ToArray();

    /// <summary>The proactive filtering rules.</summary>
    public IReadOnlyList<IVisibilityRule> VisibilityRules { get; } = visibilityRules;

    /// <summary>The tenant-level gates, asked at every view and decision.</summary>
    public IReadOnlyList<IToolGate> Gates { get; } = gates ?? [];

    /// <summary>The observers of reported outcomes.</summary>
    public IReadOnlyList<IOutcomeObserver> OutcomeObservers { get; } = outcomeObservers ?? [];

    /// <summary>Lets every gate take note of <paramref name="server"/>'s slice of <paramref name="session"/>'s tools (opened or changed).</summary>
    public async ValueTask ObserveDefinitionAsync(SessionState session, string server, CancellationToken cancellationToken)
    {
        foreach (var gate in Gates)
        {
            await gate.ObserveAsync(session, server, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Recomputes <see cref="SessionState.Gated"/>: the tools the gates hold back at <paramref name="now"/>.</summary>
    public async ValueTask ApplyGatesAsync(SessionState session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        session.Gated.Clear();
        if (Gates.Count == 0)
        {
            return;
        }
        var gated = new List<WithheldTool>();
        foreach (var gate in Gates)
        {
            gated.Clear();
            await gate.ApplyAsync(session, now, gated, cancellationToken).ConfigureAwait(false);
            foreach (var tool in gated)
            {
                var key = ToolKey.Of(tool);
                if (session.Tools.Contains(key) && !session.Withheld.ContainsKey(key))
                {
                    session.Gated.TryAdd(key, new GatedTool(gate.Layer, tool.Server is null ? tool with { Server = key.Server } : tool));
                }
            }
        }
    }

    /// <summary>The tools the outcome observers withhold after <paramref name="report"/>.</summary>
    public List<WithheldTool> ObserveOutcome(SessionState session, OutcomeReport report, DateTimeOffset now)
    {
        var withhold = new List<WithheldTool>();
        if (OutcomeObservers.Count == 0)
        {
            return withhold;
        }
        var index = session.RecentCalls.FindIndex(c => c.Sequence == report.Sequence);
        CallRecord? call = index >= 0 ? session.RecentCalls[index] : null;
        foreach (var observer in OutcomeObservers)
        {
            observer.Observe(session, call, report, now, withhold);
        }
        return withhold;
    }

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
        return Withhold(session, withheld);
    }

    /// <summary>
    /// Adds to <paramref name="session"/>'s withheld set every tool an opening check names, for a session that has just
    /// opened or changed its task or tools. Returns whether the set grew.
    /// </summary>
    public async ValueTask<bool> InspectOpeningAsync(SessionState session, CancellationToken cancellationToken)
    {
        if (OpeningChecks.Count == 0)
        {
            return false;
        }
        var withheld = new List<WithheldTool>();
        foreach (var check in OpeningChecks)
        {
            await check.InspectOpeningAsync(session, withheld, cancellationToken).ConfigureAwait(false);
        }
        return Withhold(session, withheld);
    }

    private static bool Withhold(SessionState session, List<WithheldTool> withheld)
    {
        var grew = false;
        foreach (var tool in withheld)
        {
            var key = ToolKey.Of(tool);
            if (session.Tools.Contains(key) && session.Withheld.TryAdd(key, tool.Server is null ? tool with { Server = key.Server } : tool))
            {
                grew = true;
            }
        }
        return grew;
    }
}
