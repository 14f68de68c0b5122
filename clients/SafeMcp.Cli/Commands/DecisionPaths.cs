using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// The decision path the offline commands (replay, eval --decision-path) drive: the rule layer (unless left out), then
/// the world model when one is given.
/// </summary>
internal static class DecisionPaths
{
    public static (DecisionPipeline Pipeline, string Description) Create(WorldModelPredictor? predictor, bool rules = true, bool initialCheck = true)
    {
        var detectors = new List<ICallDetector>();
        if (rules)
        {
            detectors.Add(new HazardRules());
        }
        if (predictor is not null)
        {
            detectors.Add(new WorldModelDetector(new DirectWorldModelService(predictor), options: new WorldModelDetectorOptions { InitialCheck = initialCheck }));
        }
        return (new DecisionPipeline(detectors, [new TaintVisibilityRule()]), $"session grain + {string.Join(" + ", detectors.Select(d => d.GetType().Name))}"
            + (predictor is not null && !initialCheck ? " (no initial check)" : ""));
    }
}
