using System.Numerics.Tensors;

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
        // Input-row outer loop: the layers' weights are small (at most a few KiB) and stay in L1 for the whole
        // batch, while each input row is read once; a batch of thousands of tool rows then streams through once
        // instead of once per output.
        for (var r = 0; r < rows; r++)
        {
            var x = input.Slice(r * inDim, inDim);
            var y = output.Slice(r * outDim, outDim);
            for (var o = 0; o < outDim; o++)
            {
                y[o] = bias[o] + TensorPrimitives.Dot(x, weights.Slice(o * inDim, inDim));
            }
        }
        if (activation == Activation.Relu)
        {
            var all = output[..(rows * outDim)];
            TensorPrimitives.Max(all, 0f, all);
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
