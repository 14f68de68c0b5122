using System.Numerics.Tensors;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Training;

/// <summary>Back-propagates output gradients through a <see cref="ForwardTrace"/> into a flat gradient vector.</summary>
public static class Backpropagation
{
    /// <summary>Adds the parameter gradients of <paramref name="outputs"/> to <paramref name="gradient"/>.</summary>
    public static void Backward(WorldModelWeights weights, ForwardTrace trace, IReadOnlyList<EncodedInput> batch, OutputGradients outputs, float[] gradient)
    {
        var shape = weights.Shape;
        var layout = weights.Layout;
        var p = weights.Parameters;
        var g = gradient.AsSpan();
        var dim = shape.Dim;
        var hidden = shape.Hidden;
        var toolHidden = shape.ToolHidden;
        var dHidden = new float[trace.Examples * hidden];
        var dToolContext = new float[trace.Examples * toolHidden];

        // Label and next-state heads.
        Dense(p.AsSpan()[layout.LabelWeights], g[layout.LabelWeights], g[layout.LabelBias], trace.Hidden, outputs.Label, dHidden, trace.Examples, hidden, SafetyLabels.Count);
        Dense(p.AsSpan()[layout.NextStateWeights], g[layout.NextStateWeights], g[layout.NextStateBias], trace.Hidden, outputs.NextState, dHidden, trace.Examples, hidden, NextStateFeature.Count);

        // Tool scorer: score = v · relu(Bt·g + A·h + ba) + bv.
        var dZ = new float[toolHidden];
        var dG = new float[dim];
        var v = p.AsSpan()[layout.ToolScoreWeights];
        var bt = p.AsSpan()[layout.ToolEmbeddingWeights];
        for (var t = 0; t < trace.Tools; t++)
        {
            var ds = outputs.Tools[t];
            if (ds == 0)
            {
                continue;
            }
            var z = trace.ToolHidden.AsSpan(t * toolHidden, toolHidden);
            TensorPrimitives.MultiplyAdd(z, ds, g[layout.ToolScoreWeights], g[layout.ToolScoreWeights]);
            g[layout.ToolScoreBias][0] += ds;
            for (var k = 0; k < toolHidden; k++)
            {
                dZ[k] = z[k] > 0 ? ds * v[k] : 0;
            }
            var owner = trace.ToolOwner[t];
            TensorPrimitives.Add(dToolContext.AsSpan(owner * toolHidden, toolHidden), dZ, dToolContext.AsSpan(owner * toolHidden, toolHidden));
            var embedding = trace.ToolEmbedding.AsSpan(t * dim, dim);
            Array.Clear(dG);
            var gBt = g[layout.ToolEmbeddingWeights];
            for (var k = 0; k < toolHidden; k++)
            {
                if (dZ[k] != 0)
                {
                    TensorPrimitives.MultiplyAdd(embedding, dZ[k], gBt.Slice(k * dim, dim), gBt.Slice(k * dim, dim));
                    TensorPrimitives.MultiplyAdd(bt.Slice(k * dim, dim), dZ[k], dG, dG);
                }
            }
            var local = t - trace.ToolFirst[owner];
            ScatterBag(g[layout.Embedding], dim, batch[owner].Tools[local], dG);
        }
        Dense(p.AsSpan()[layout.ToolContextWeights], g[layout.ToolContextWeights], g[layout.ToolBias], trace.Hidden, dToolContext, dHidden, trace.Examples, hidden, toolHidden);

        // Hidden ReLU layer and the context embedding bag.
        var dContext = new float[trace.Examples * dim];
        for (var i = 0; i < dHidden.Length; i++)
        {
            if (trace.Hidden[i] <= 0)
            {
                dHidden[i] = 0;
            }
        }
        Dense(p.AsSpan()[layout.HiddenWeights], g[layout.HiddenWeights], g[layout.HiddenBias], trace.Context, dHidden, dContext, trace.Examples, dim, hidden);
        for (var e = 0; e < trace.Examples; e++)
        {
            ScatterBag(g[layout.Embedding], dim, batch[e].Context, dContext.AsSpan(e * dim, dim));
        }
    }

    /// <summary>For y = W·x + b: accumulates ∂W, ∂b and adds Wᵀ·∂y to ∂x.</summary>
    private static void Dense(ReadOnlySpan<float> w, Span<float> dW, Span<float> dB, ReadOnlySpan<float> x, ReadOnlySpan<float> dY, Span<float> dX, int rows, int inDim, int outDim)
    {
        for (var r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * inDim, inDim);
            var dxr = dX.Slice(r * inDim, inDim);
            for (var o = 0; o < outDim; o++)
            {
                var d = dY[r * outDim + o];
                if (d == 0)
                {
                    continue;
                }
                dB[o] += d;
                TensorPrimitives.MultiplyAdd(xr, d, dW.Slice(o * inDim, inDim), dW.Slice(o * inDim, inDim));
                TensorPrimitives.MultiplyAdd(w.Slice(o * inDim, inDim), d, dxr, dxr);
            }
        }
    }

    /// <summary>The embedding bag's backward: every id's row receives ∂bag / √n, as the forward scaled it.</summary>
    private static void ScatterBag(Span<float> dTable, int dim, int[] ids, ReadOnlySpan<float> dBag)
    {
        var scale = ids.Length > 1 ? 1f / MathF.Sqrt(ids.Length) : 1f;
        foreach (var id in ids)
        {
            var row = dTable.Slice(id * dim, dim);
            TensorPrimitives.MultiplyAdd(dBag, scale, row, row);
        }
    }
}
