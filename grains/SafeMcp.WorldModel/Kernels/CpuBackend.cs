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
            AccumulateRows(table, dim, ids[offsets[b]..offsets[b + 1]], row);
            ScaleBag(row, offsets[b + 1] - offsets[b]);
        }
    }

    /// <inheritdoc />
    public void AccumulateRows(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> sum)
    {
        sum = sum[..dim];
        if (Vector256.IsHardwareAccelerated && dim == 4 * Vector256<float>.Count)
        {
            // The default width: the sum stays in four registers for the whole bag.
            AccumulateRows4x256(table, ids, sum);
            return;
        }
        foreach (var id in ids)
        {
            TensorPrimitives.Add(sum, table.Slice(id * dim, dim), sum);
        }
    }

    /// <inheritdoc />
    public void ScaleBag(Span<float> sum, int count)
    {
        if (count > 1)
        {
            TensorPrimitives.Multiply(sum, 1f / MathF.Sqrt(count), sum);
        }
    }

    private static void AccumulateRows4x256(ReadOnlySpan<float> table, ReadOnlySpan<int> ids, Span<float> sum)
    {
        var width = (nuint)Vector256<float>.Count;
        ref var s = ref MemoryMarshal.GetReference(sum);
        ref var t = ref MemoryMarshal.GetReference(table);
        var s0 = Vector256.LoadUnsafe(ref s);
        var s1 = Vector256.LoadUnsafe(ref s, width);
        var s2 = Vector256.LoadUnsafe(ref s, 2 * width);
        var s3 = Vector256.LoadUnsafe(ref s, 3 * width);
        foreach (var id in ids)
        {
            // Checked once per id: a bad id must fail, not read outside the table.
            var at = checked((uint)(id * (int)(4 * width)));
            if (at + 4 * width > (nuint)table.Length)
            {
                throw new IndexOutOfRangeException($"Embedding id {id} is outside the table.");
            }
            s0 += Vector256.LoadUnsafe(ref t, at);
            s1 += Vector256.LoadUnsafe(ref t, at + width);
            s2 += Vector256.LoadUnsafe(ref t, at + 2 * width);
            s3 += Vector256.LoadUnsafe(ref t, at + 3 * width);
        }
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, width);
        s2.StoreUnsafe(ref s, 2 * width);
        s3.StoreUnsafe(ref s, 3 * width);
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
    /// A blocked matrix product: four input rows against two weight rows at a time, so every weight vector loaded
    /// serves four rows and every input vector two outputs, with eight sums in registers. Each output keeps its own
    /// accumulator, added in the same order and reduced the same way whatever the block, so a row's result does not
    /// depend on its place in the batch (rows and outputs left over are computed alone with the same arithmetic).
    /// </summary>
    private static void LinearBlocked(ReadOnlySpan<float> input, int rows, int inDim, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outDim, Span<float> output)
    {
        const int RowBlock = 4;
        const int OutBlock = 2;
        var width = (nuint)Vector256<float>.Count;
        var n = (nuint)inDim;
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var w = ref MemoryMarshal.GetReference(weights);
        var r = 0;
        for (; r + RowBlock <= rows; r += RowBlock)
        {
            var x0 = (nuint)(r * inDim);
            var x1 = x0 + n;
            var x2 = x1 + n;
            var x3 = x2 + n;
            var o = 0;
            for (; o + OutBlock <= outDim; o += OutBlock)
            {
                var w0 = (nuint)(o * inDim);
                var w1 = w0 + n;
                Vector256<float> a00 = default, a10 = default, a20 = default, a30 = default;
                Vector256<float> a01 = default, a11 = default, a21 = default, a31 = default;
                for (nuint i = 0; i < n; i += width)
                {
                    var v0 = Vector256.LoadUnsafe(ref w, w0 + i);
                    var v1 = Vector256.LoadUnsafe(ref w, w1 + i);
                    var in0 = Vector256.LoadUnsafe(ref x, x0 + i);
                    a00 += in0 * v0;
                    a01 += in0 * v1;
                    var in1 = Vector256.LoadUnsafe(ref x, x1 + i);
                    a10 += in1 * v0;
                    a11 += in1 * v1;
                    var in2 = Vector256.LoadUnsafe(ref x, x2 + i);
                    a20 += in2 * v0;
                    a21 += in2 * v1;
                    var in3 = Vector256.LoadUnsafe(ref x, x3 + i);
                    a30 += in3 * v0;
                    a31 += in3 * v1;
                }
                var at = r * outDim + o;
                output[at] = bias[o] + Vector256.Sum(a00);
                output[at + 1] = bias[o + 1] + Vector256.Sum(a01);
                output[at + outDim] = bias[o] + Vector256.Sum(a10);
                output[at + outDim + 1] = bias[o + 1] + Vector256.Sum(a11);
                output[at + 2 * outDim] = bias[o] + Vector256.Sum(a20);
                output[at + 2 * outDim + 1] = bias[o + 1] + Vector256.Sum(a21);
                output[at + 3 * outDim] = bias[o] + Vector256.Sum(a30);
                output[at + 3 * outDim + 1] = bias[o + 1] + Vector256.Sum(a31);
            }
            for (; o < outDim; o++)
            {
                var wo = (nuint)(o * inDim);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint i = 0; i < n; i += width)
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
                for (nuint i = 0; i < n; i += width)
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
