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
        // Weight-row outer loop: one weight row stays in registers/L1 while every input row of the batch
        // uses it, which is where a batch gains over one-by-one calls.
        for (var o = 0; o < outDim; o++)
        {
            var w = weights.Slice(o * inDim, inDim);
            var b = bias[o];
            for (var r = 0; r < rows; r++)
            {
                output[r * outDim + o] = b + TensorPrimitives.Dot(input.Slice(r * inDim, inDim), w);
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
