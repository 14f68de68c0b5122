using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SafeMcp.WorldModel.Kernels;

/// <summary>The CPU backend: SIMD through <see cref="TensorPrimitives"/>, single-threaded, deterministic.</summary>
public sealed class CpuBackend : IInferenceBackend
{
    /// <summary>The shared instance (the backend holds no state).</summary>
    public static CpuBackend Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "cpu-simd";

    /// <inheritdoc />
    public void EmbeddingBag(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, ReadOnlySpan<int> offsets, Span<float> output)
    {
        var bags = offsets.Length - 1;
        for (var b = 0; b < bags; b++)
        {
            var row = output.Slice(b * dim, dim);
            row.Clear();
            var count = offsets[b + 1] - offsets[b];
            for (var j = offsets[b]; j < offsets[b + 1]; j++)
            {
                TensorPrimitives.Add(row, table.Slice(ids[j] * dim, dim), row);
            }
            if (count > 1)
            {
                TensorPrimitives.Multiply(row, 1f / MathF.Sqrt(count), row);
            }
        }
    }

    /// <inheritdoc />
    public void Linear(ReadOnlySpan<float> input, int rows, int inDim, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outDim, Span<float> output, Activation activation)
    {
        if (Vector256.IsHardwareAccelerated && inDim % Vector256<float>.Count == 0)
        {
            LinearBlocked(input, rows, inDim, weights, bias, outDim, output);
        }
        else
        {
            // Input-row outer loop: the layers' weights are small and stay in L1 for the whole batch.
            for (var r = 0; r < rows; r++)
            {
                var x = input.Slice(r * inDim, inDim);
                var y = output.Slice(r * outDim, outDim);
                for (var o = 0; o < outDim; o++)
                {
                    y[o] = bias[o] + TensorPrimitives.Dot(x, weights.Slice(o * inDim, inDim));
                }
            }
        }
        if (activation == Activation.Relu)
        {
            var all = output[..(rows * outDim)];
            TensorPrimitives.Max(all, 0f, all);
        }
    }

    /// <summary>
    /// Four input rows against each weight row at a time: every weight vector loaded once serves four rows,
    /// which is where a batch gains. A row left over is computed alone with the same arithmetic in the same
    /// order, so a row's result does not depend on its place in the batch.
    /// </summary>
    private static void LinearBlocked(ReadOnlySpan<float> input, int rows, int inDim, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outDim, Span<float> output)
    {
        const int Block = 4;
        var width = Vector256<float>.Count;
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var w = ref MemoryMarshal.GetReference(weights);
        var r = 0;
        for (; r + Block <= rows; r += Block)
        {
            var x0 = (nuint)(r * inDim);
            var x1 = x0 + (nuint)inDim;
            var x2 = x1 + (nuint)inDim;
            var x3 = x2 + (nuint)inDim;
            for (var o = 0; o < outDim; o++)
            {
                var wo = (nuint)(o * inDim);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint i = 0; i < (nuint)inDim; i += (nuint)width)
                {
                    var wv = Vector256.LoadUnsafe(ref w, wo + i);
                    a0 += Vector256.LoadUnsafe(ref x, x0 + i) * wv;
                    a1 += Vector256.LoadUnsafe(ref x, x1 + i) * wv;
                    a2 += Vector256.LoadUnsafe(ref x, x2 + i) * wv;
                    a3 += Vector256.LoadUnsafe(ref x, x3 + i) * wv;
                }
                output[r * outDim + o] = bias[o] + Vector256.Sum(a0);
                output[(r + 1) * outDim + o] = bias[o] + Vector256.Sum(a1);
                output[(r + 2) * outDim + o] = bias[o] + Vector256.Sum(a2);
                output[(r + 3) * outDim + o] = bias[o] + Vector256.Sum(a3);
            }
        }
        for (; r < rows; r++)
        {
            var x0 = (nuint)(r * inDim);
            for (var o = 0; o < outDim; o++)
            {
                var wo = (nuint)(o * inDim);
                Vector256<float> a0 = default;
                for (nuint i = 0; i < (nuint)inDim; i += (nuint)width)
                {
                    a0 += Vector256.LoadUnsafe(ref x, x0 + i) * Vector256.LoadUnsafe(ref w, wo + i);
                }
                output[r * outDim + o] = bias[o] + Vector256.Sum(a0);
            }
        }
    }

    /// <inheritdoc />
    public void AddRowsRelu(Span<float> target, int dim, ReadOnlySpan<float> source, ReadOnlySpan<int> sourceRows)
    {
        for (var t = 0; t < sourceRows.Length; t++)
        {
            var row = target.Slice(t * dim, dim);
            TensorPrimitives.Add(row, source.Slice(sourceRows[t] * dim, dim), row);
            TensorPrimitives.Max(row, 0f, row);
        }
    }
}
