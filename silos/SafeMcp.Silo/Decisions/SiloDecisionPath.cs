using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Arguments;
using SafeMcp.Grains.Defenses.Poisoning;
using SafeMcp.Grains.Rules;
using SafeMcp.WorldModel.Detection;

namespace SafeMcp.Silo.Decisions;

/// <summary>
/// The silo's decision path as one ordered list, built here for the silo and for the offline commands (eval
/// --decision-path, replay, bench-inference), so that their figures are the silo's. A call is judged by, in order:
/// <list type="number">
/// <item>the rule layer (<see cref="HazardRules"/>: hazards over capabilities and taint);</item>
/// <item>the SAFE-MCP defenses: argument validation and injection in arguments (<see cref="ArgumentDetector"/>, SAFE-M-38),
/// rate limits (SAFE-T1106), loops, behaviour baselines;</item>
/// <item>the world model (<see cref="WorldModelDetector"/>), last: it is the costliest and is skipped once a layer before
/// it denies the call.</item>
/// </list>
/// The strictest verdict of all wins (<see cref="FindingCombiner"/>), so the order changes what runs, not what is decided.
/// Tool visibility: taint (<see cref="TaintVisibilityRule"/>), then description poisoning (<see cref="PoisoningVisibilityRule"/>);
/// gates: the tool registry, then grants; outcome observers: the baselines.
/// </summary>
internal static class SiloDecisionPath
{
    /// <summary>
    /// The path: the rule layer (with <paramref name="ruleOptions"/>, default ones when null) when <paramref name="rules"/>,
    /// the defenses when given, the world model when given.
    /// </summary>
    public static DecisionPipeline Build(DefenseLayers? defenses, WorldModelDetector? worldModel, RuleOptions? ruleOptions = null, bool rules = true)
    {
        var detectors = new List<ICallDetector>();
        var visibility = new List<IVisibilityRule>();
        if (rules)
        {
            detectors.Add(new HazardRules(ruleOptions));
            visibility.Add(new TaintVisibilityRule());
        }
        List<IToolGate> gates = [];
        List<IOutcomeObserver> observers = [];
        if (defenses is not null)
        {
            detectors.AddRange([new ArgumentDetector(), defenses.RateLimits, defenses.Loops, defenses.Baselines]);
            visibility.Add(new PoisoningVisibilityRule());
            gates.AddRange([defenses.Registry, defenses.Grants]);
            observers.Add(defenses.Baselines);
        }
        if (worldModel is not null)
        {
            detectors.Add(worldModel);
        }
        return new DecisionPipeline(detectors, visibility, gates, observers);
    }

    /// <summary>
    /// The silo's path for an offline command: the rules and the defenses (stores in memory) with their default options, the world
    /// model on <paramref name="worldModel"/> when given. <paramref name="rules"/> false leaves the rule layer and the
    /// defenses out (the world model alone inside the session grain).
    /// </summary>
    public static DecisionPipeline Offline(IWorldModelService? worldModel, WorldModelDetectorOptions? options = null, bool rules = true) =>
        Build(rules ? DefenseLayers.InMemory(TimeProvider.System) : null,
            worldModel is null ? null : new WorldModelDetector(worldModel, options: options ?? new WorldModelDetectorOptions()), rules: rules);

    /// <summary>The path's detectors in order, for a command's output: <c>session grain + HazardRules + …</c>.</summary>
    public static string Describe(DecisionPipeline pipeline) =>
        $"session grain + {string.Join(" + ", pipeline.Detectors.Select(d => d.GetType().Name))}";
}
