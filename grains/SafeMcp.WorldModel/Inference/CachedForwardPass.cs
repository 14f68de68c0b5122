using System.Runtime.InteropServices;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// Predicts a batch of checks with what their sessions keep taken from an <see cref="InferenceCache"/>: per check
/// only the prefix (its steps' ids mostly cached too), the current action and the tools it involves are
/// computed. The predictions equal <see cref="WorldModelNetwork.Predict"/> on <see cref="FeatureExtractor.Encode"/>'s
/// bags bit for bit: every bag is summed in the same order and every row goes through the same kernels.
/// Thread-safe; each thread reuses its own buffers, so a pass allocates little beyond its predictions.
/// </summary>
internal sealed class CachedForwardPass(WorldModelNetwork network, FeatureExtractor extractor, InferenceCache cache)
{
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Predicts <paramref name="inputs"/>; one prediction per input, same order.</summary>
    public Prediction[] Predict(IReadOnlyList<WorldModelInput> inputs)
    {
        var toolCount = 0;
        foreach (var input in inputs)
        {
            toolCount += input.Tools.Count;
        }
        var trace = network.ScratchTrace(inputs.Count, toolCount);
        var scratch = t_scratch ??= new Scratch();
        var shape = network.Weights.Shape;
        var table = network.Weights.Parameters.AsSpan()[network.Weights.Layout.Embedding];
        var backend = network.Backend;
        var dim = shape.Dim;
        var toolHidden = shape.ToolHidden;
        var related = 0;
        var row = 0;
        scratch.RelatedRows.Clear();
        for (var e = 0; e < inputs.Count; e++)
        {
            var input = inputs[e];
            var instruction = cache.Instruction(input.Instruction);
            var ids = scratch.Ids;
            var called = scratch.CalledTools;
            ids.Clear();
            called.Clear();
            for (var i = extractor.FirstPrefixStep(input); i < input.Prefix.Count; i++)
            {
                var step = input.Prefix[i];
                if (step.Action is { } action)
                {
                    called.Add(action);
                }
                ids.AddRange(cache.PrefixStep(step));
            }
            extractor.AddCurrent(ids, input, instruction.Features, called);
            var context = trace.Context.AsSpan(e * dim, dim);
            instruction.HeadSum.CopyTo(context);
            backend.AccumulateRows(table, dim, CollectionsMarshal.AsSpan(ids), context);
            backend.ScaleBag(context, instruction.Features.HeadIds.Length + ids.Count);

            trace.ToolFirst[e] = row;
            var currentAction = input.Current?.Action;
            foreach (var tool in input.Tools)
            {
                trace.ToolOwner[row] = e;
                var inTask = cache.ToolInTask(instruction, tool);
                var entry = inTask.Tool;
                if (!FeatureExtractor.IsRelated(tool.Name, currentAction, called))
                {
                    inTask.Projection.CopyTo(trace.ToolHidden.AsSpan(row * toolHidden, toolHidden));
                }
                else
                {
                    // Its bag goes on from the tool's cached sum with the relations, then the instruction matches.
                    ids.Clear();
                    extractor.AddRelations(ids, tool.Name, entry.Features, currentAction, called);
                    ids.AddRange(inTask.MatchIds);
                    var bag = trace.ToolEmbedding.AsSpan(related * dim, dim);
                    entry.BaseSum.CopyTo(bag);
                    backend.AccumulateRows(table, dim, CollectionsMarshal.AsSpan(ids), bag);
                    backend.ScaleBag(bag, entry.Features.BaseIds.Length + ids.Count);
                    scratch.RelatedRows.Add(row);
                    related++;
                }
                row++;
            }
        }
        trace.ToolFirst[inputs.Count] = row;

        if (related > 0)
        {
            // The involved tools of the whole batch are projected in one pass, then put in their rows.
            var projected = scratch.Projected(related * toolHidden);
            network.ProjectTools(trace.ToolEmbedding.AsSpan(0, related * dim), related, projected);
            for (var r = 0; r < related; r++)
            {
                projected.AsSpan(r * toolHidden, toolHidden).CopyTo(trace.ToolHidden.AsSpan(scratch.RelatedRows[r] * toolHidden, toolHidden));
            }
        }
        network.ContextHeads(trace);
        if (toolCount > 0)
        {
            network.ToolScores(trace);
        }
        return WorldModelNetwork.Conclude(trace);
    }

    /// <summary>One thread's working buffers.</summary>
    private sealed class Scratch
    {
        private float[] _projected = [];

        public List<int> Ids { get; } = new(512);
        public HashSet<string> CalledTools { get; } = new(StringComparer.Ordinal);
        public List<int> RelatedRows { get; } = new(64);

        public float[] Projected(int length)
        {
            if (_projected.Length < length)
            {
                _projected = new float[Math.Max(length, 2 * _projected.Length)];
            }
            return _projected;
        }
    }
}
