using SafeMcp.Grains.Decisions;
using SafeMcp.Silo.Decisions;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// The decision path the offline commands (replay, eval --decision-path, bench-inference) drive: the silo's own
/// (<see cref="SiloDecisionPath"/>), the world model answering in the caller's thread.
/// </summary>
internal static class DecisionPaths
{
    public static (DecisionPipeline Pipeline, string Description) Create(WorldModelPredictor? predictor, bool rules = true, bool initialCheck = true) =>
        Create(predictor is null ? null : new DirectWorldModelService(predictor), rules, initialCheck);

    public static (DecisionPipeline Pipeline, string Description) Create(IWorldModelService? worldModel, bool rules = true, bool initialCheck = true)
    {
        var pipeline = SiloDecisionPath.Offline(worldModel, new WorldModelDetectorOptions { InitialCheck = initialCheck }, rules);
        return (pipeline, SiloDecisionPath.Describe(pipeline) + (worldModel is not null && !initialCheck ? " (no initial check)" : ""));
    }
}
