using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.ModelFile;

namespace SafeMcp.WorldModel.Network;

/// <summary>
/// Checks in batches: features, one forward pass for the batch, conclusions, then look-ahead when enabled. What a
/// session keeps between checks (instruction, tools, prefix steps) is cached by content (<see cref="InferenceCache"/>).
/// </summary>
public sealed class WorldModelPredictor : IWorldModel
{
    private readonly FeatureExtractor _extractor;
    private readonly CachedForwardPass _pass;
    private readonly LookAheadPlanner _lookAhead;

    public WorldModelPredictor(WorldModelWeights weights, IInferenceBackend backend, LookAheadOptions lookAhead, FeatureOptions? features = null,
        InferenceCacheOptions? cache = null)
    {
        Network = new WorldModelNetwork(weights, backend);
        _extractor = new FeatureExtractor(new FeatureHasher(weights.Shape.Buckets), (features ?? new FeatureOptions()).For(weights));
        _pass = new CachedForwardPass(Network, _extractor, new InferenceCache(_extractor, Network, cache ?? new InferenceCacheOptions()));
        _lookAhead = new LookAheadPlanner(_pass.Predict, lookAhead);
    }

    /// <inheritdoc />
    public string Description => $"fast network ({Network.Backend.Name})";

    /// <summary>The network.</summary>
    public WorldModelNetwork Network { get; }

    /// <summary>The feature extractor (uncached: <see cref="Predict"/> and <see cref="Check"/> cache what sessions keep).</summary>
    public FeatureExtractor Extractor => _extractor;

    /// <summary>Loads a model file (throws <see cref="ModelFileException"/> when it is invalid) onto the CPU backend.</summary>
    public static WorldModelPredictor Load(string path, LookAheadOptions? lookAhead = null) =>
        new(ModelFileFormat.Read(path), CpuBackend.Instance, lookAhead ?? new LookAheadOptions());

    /// <summary>The network's predictions for a batch, the parts sessions keep taken from the cache.</summary>
    public Prediction[] Predict(IReadOnlyList<WorldModelInput> inputs) => _pass.Predict(inputs);

    /// <inheritdoc />
    public CheckOutcome[] Check(IReadOnlyList<WorldModelInput> inputs)
    {
        var predictions = _pass.Predict(inputs);
        var outcomes = new CheckOutcome[inputs.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var outcome = CheckOutcome.From(inputs[i], predictions[i], Network.Weights.ToolThreshold, Network.Weights.SafeBias, Network.Weights.CurrentActionWeight);
            if (outcome.Label != SafetyLabel.Unsafe && _lookAhead.Options.Steps > 0)
            {
                var hazards = _lookAhead.Hazards(inputs[i], predictions[i]);
                if (hazards.Count > 0)
                {
                    outcome = outcome with { Label = SafetyLabel.Critical, FilteredTools = outcome.FilteredTools.Union(hazards).ToArray() };
                }
            }
            outcomes[i] = outcome;
        }
        return outcomes;
    }
}
