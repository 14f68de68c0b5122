using System.Numerics.Tensors;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Kernels;

namespace SafeMcp.WorldModel.Network;

/// <summary>
/// The network: a context embedding bag → ReLU layer → label and next-state heads; and for each tool, its own
/// embedding bag joined with the context in a ReLU layer → a filter score. One forward pass serves a whole batch.
/// Thread-safe: it keeps no state between calls.
/// </summary>
public sealed class WorldModelNetwork(WorldModelWeights weights, IInferenceBackend backend)
{
    // Prediction copies its results out of the trace, so each thread can keep one trace and reuse its buffers:
    // a large batch's buffers are too big for the small-object heap and costly to allocate on every pass.
    [ThreadStatic]
    private static ForwardTrace? t_scratch;

    // The tool layer's bias is added with the context; the projection of a tool's bag adds zero.
    private readonly float[] _noToolBias = new float[weights.Shape.ToolHidden];

    /// <summary>The weights.</summary>
    public WorldModelWeights Weights { get; } = weights;

    /// <summary>The backend running the kernels.</summary>
    public IInferenceBackend Backend { get; } = backend;

    /// <summary>Predicts a batch.</summary>
    public Prediction[] Predict(IReadOnlyList<EncodedInput> batch) => Conclude(Forward(batch, reuseBuffers: true));

    /// <summary>The predictions of a pass: probabilities copied out of <paramref name="trace"/>, which may then be reused.</summary>
    internal static Prediction[] Conclude(ForwardTrace trace)
    {
        var predictions = new Prediction[trace.Examples];
        for (var e = 0; e < predictions.Length; e++)
        {
            var labels = new float[SafetyLabels.Count];
            TensorPrimitives.SoftMax(trace.LabelLogits.AsSpan(e * SafetyLabels.Count, SafetyLabels.Count), labels);
            var next = new float[NextStateFeature.Count];
            TensorPrimitives.Sigmoid(trace.NextStateLogits.AsSpan(e * NextStateFeature.Count, NextStateFeature.Count), next);
            var tools = new float[trace.ToolFirst[e + 1] - trace.ToolFirst[e]];
            if (tools.Length > 0)
            {
                // TensorPrimitives refuses empty spans: a check without tools would fail its whole batch.
                TensorPrimitives.Sigmoid(trace.ToolLogits.AsSpan(trace.ToolFirst[e], tools.Length), tools);
            }
            predictions[e] = new Prediction(labels, tools, next);
        }
        return predictions;
    }

    /// <summary>
    /// This thread's trace sized for <paramref name="examples"/> and <paramref name="tools"/>: reused from the
    /// previous pass when large enough. Only for passes whose results are copied out before the next one.
    /// </summary>
    internal ForwardTrace ScratchTrace(int examples, int tools)
    {
        if (t_scratch is { } scratch && scratch.TryReuse(Weights.Shape, examples, tools))
        {
            return scratch;
        }
        return t_scratch = new ForwardTrace(Weights.Shape, examples, tools);
    }

    /// <summary>Context bags (in <see cref="ForwardTrace.Context"/>) → hidden layer → label, next-state and tool-context heads.</summary>
    internal void ContextHeads(ForwardTrace trace)
    {
        var shape = Weights.Shape;
        var layout = Weights.Layout;
        ReadOnlySpan<float> p = Weights.Parameters;
        var rows = trace.Examples;
        Backend.Linear(trace.Context, rows, shape.Dim, p[layout.HiddenWeights], p[layout.HiddenBias], shape.Hidden, trace.Hidden, Activation.Relu);
        Backend.Linear(trace.Hidden, rows, shape.Hidden, p[layout.LabelWeights], p[layout.LabelBias], SafetyLabels.Count, trace.LabelLogits, Activation.None);
        Backend.Linear(trace.Hidden, rows, shape.Hidden, p[layout.NextStateWeights], p[layout.NextStateBias], NextStateFeature.Count, trace.NextStateLogits, Activation.None);
        Backend.Linear(trace.Hidden, rows, shape.Hidden, p[layout.ToolContextWeights], p[layout.ToolBias], shape.ToolHidden, trace.ToolContext, Activation.None);
    }

    /// <summary>Projects tool bags (rows of <paramref name="bags"/>) into the tool layer, before the context is added.</summary>
    internal void ProjectTools(ReadOnlySpan<float> bags, int rows, Span<float> projected)
    {
        var shape = Weights.Shape;
        Backend.Linear(bags, rows, shape.Dim, Weights.Parameters.AsSpan()[Weights.Layout.ToolEmbeddingWeights], _noToolBias, shape.ToolHidden, projected, Activation.None);
    }

    /// <summary>Tool rows (projections in <see cref="ForwardTrace.ToolHidden"/>, owners set) → add their context, ReLU → filter logits.</summary>
    internal void ToolScores(ForwardTrace trace)
    {
        var shape = Weights.Shape;
        var layout = Weights.Layout;
        ReadOnlySpan<float> p = Weights.Parameters;
        Backend.AddRowsRelu(trace.ToolHidden, shape.ToolHidden, trace.ToolContext, trace.ToolOwner.AsSpan(0, trace.Tools));
        Backend.Linear(trace.ToolHidden, trace.Tools, shape.ToolHidden, p[layout.ToolScoreWeights], p[layout.ToolScoreBias], 1, trace.ToolLogits, Activation.None);
    }

    /// <summary>Runs the batch forward and keeps every intermediate (in a trace of its own, for training).</summary>
    public ForwardTrace Forward(IReadOnlyList<EncodedInput> batch) => Forward(batch, reuseBuffers: false);

    private ForwardTrace Forward(IReadOnlyList<EncodedInput> batch, bool reuseBuffers)
    {
        var shape = Weights.Shape;
        var layout = Weights.Layout;
        ReadOnlySpan<float> p = Weights.Parameters;
        var toolCount = 0;
        var contextIds = 0;
        var toolIds = 0;
        foreach (var input in batch)
        {
            toolCount += input.Tools.Length;
            contextIds += input.Context.Length;
            foreach (var tool in input.Tools)
            {
                toolIds += tool.Length;
            }
        }
        var trace = reuseBuffers ? ScratchTrace(batch.Count, toolCount) : new ForwardTrace(shape, batch.Count, toolCount);

        var ids = new int[Math.Max(contextIds, toolIds)];
        var offsets = new int[Math.Max(batch.Count, toolCount) + 1];
        var at = 0;
        for (var e = 0; e < batch.Count; e++)
        {
            offsets[e] = at;
            batch[e].Context.CopyTo(ids, at);
            at += batch[e].Context.Length;
        }
        offsets[batch.Count] = at;
        Backend.EmbeddingBag(p[layout.Embedding], shape.Dim, ids.AsSpan(0, at), offsets.AsSpan(0, batch.Count + 1), trace.Context);
        ContextHeads(trace);

        if (toolCount > 0)
        {
            at = 0;
            var row = 0;
            for (var e = 0; e < batch.Count; e++)
            {
                trace.ToolFirst[e] = row;
                foreach (var tool in batch[e].Tools)
                {
                    offsets[row] = at;
                    trace.ToolOwner[row] = e;
                    tool.CopyTo(ids, at);
                    at += tool.Length;
                    row++;
                }
            }
            offsets[row] = at;
            trace.ToolFirst[batch.Count] = row;
            Backend.EmbeddingBag(p[layout.Embedding], shape.Dim, ids.AsSpan(0, at), offsets.AsSpan(0, toolCount + 1), trace.ToolEmbedding);
            ProjectTools(trace.ToolEmbedding, toolCount, trace.ToolHidden);
            ToolScores(trace);
        }
        else
        {
            Array.Fill(trace.ToolFirst, 0);
        }
        return trace;
    }
}
