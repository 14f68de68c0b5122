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

    /// <summary>The weights.</summary>
    public WorldModelWeights Weights { get; } = weights;

    /// <summary>The backend running the kernels.</summary>
    public IInferenceBackend Backend { get; } = backend;

    /// <summary>Predicts a batch.</summary>
    public Prediction[] Predict(IReadOnlyList<EncodedInput> batch)
    {
        var trace = Forward(batch, reuseBuffers: true);
        var predictions = new Prediction[batch.Count];
        for (var e = 0; e < batch.Count; e++)
        {
            var labels = new float[SafetyLabels.Count];
            TensorPrimitives.SoftMax(trace.LabelLogits.AsSpan(e * SafetyLabels.Count, SafetyLabels.Count), labels);
            var next = new float[NextStateFeature.Count];
            TensorPrimitives.Sigmoid(trace.NextStateLogits.AsSpan(e * NextStateFeature.Count, NextStateFeature.Count), next);
            var tools = new float[trace.ToolFirst[e + 1] - trace.ToolFirst[e]];
            TensorPrimitives.Sigmoid(trace.ToolLogits.AsSpan(trace.ToolFirst[e], tools.Length), tools);
            predictions[e] = new Prediction(labels, tools, next);
        }
        return predictions;
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
        ForwardTrace trace;
        if (reuseBuffers && t_scratch is { } scratch && scratch.TryReuse(shape, batch.Count, toolCount))
        {
            trace = scratch;
        }
        else
        {
            trace = new ForwardTrace(shape, batch.Count, toolCount);
            if (reuseBuffers)
            {
                t_scratch = trace;
            }
        }

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
        Backend.Linear(trace.Context, batch.Count, shape.Dim, p[layout.HiddenWeights], p[layout.HiddenBias], shape.Hidden, trace.Hidden, Activation.Relu);
        Backend.Linear(trace.Hidden, batch.Count, shape.Hidden, p[layout.LabelWeights], p[layout.LabelBias], SafetyLabels.Count, trace.LabelLogits, Activation.None);
        Backend.Linear(trace.Hidden, batch.Count, shape.Hidden, p[layout.NextStateWeights], p[layout.NextStateBias], NextStateFeature.Count, trace.NextStateLogits, Activation.None);
        Backend.Linear(trace.Hidden, batch.Count, shape.Hidden, p[layout.ToolContextWeights], p[layout.ToolBias], shape.ToolHidden, trace.ToolContext, Activation.None);

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
            ReadOnlySpan<float> noBias = new float[shape.ToolHidden];
            Backend.Linear(trace.ToolEmbedding, toolCount, shape.Dim, p[layout.ToolEmbeddingWeights], noBias, shape.ToolHidden, trace.ToolHidden, Activation.None);
            Backend.AddRowsRelu(trace.ToolHidden, shape.ToolHidden, trace.ToolContext, trace.ToolOwner.AsSpan(0, toolCount));
            Backend.Linear(trace.ToolHidden, toolCount, shape.ToolHidden, p[layout.ToolScoreWeights], p[layout.ToolScoreBias], 1, trace.ToolLogits, Activation.None);
        }
        else
        {
            Array.Fill(trace.ToolFirst, 0);
        }
        return trace;
    }
}
