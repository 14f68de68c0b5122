using SafeMcp.WorldModel.Kernels;

namespace SafeMcp.WorldModel.Tests;

public sealed class KernelTests
{
    private readonly Random _random = new(5);

    [Fact]
    public void Embedding_bag_equals_the_reference_loop()
    {
        const int dim = 13, rows = 40;
        var table = Values(rows * dim);
        int[] ids = [3, 7, 7, 0, 39, 12, 5, 1, 2, 3, 4, 5, 6];
        int[] offsets = [0, 3, 3, 4, 13]; // bags of 3, 0, 1 and 9 ids
        var actual = new float[4 * dim];
        CpuBackend.Instance.EmbeddingBag(table, dim, ids, offsets, actual);

        for (var b = 0; b < 4; b++)
        {
            var count = offsets[b + 1] - offsets[b];
            for (var d = 0; d < dim; d++)
            {
                double sum = 0;
                for (var j = offsets[b]; j < offsets[b + 1]; j++)
                {
                    sum += table[ids[j] * dim + d];
                }
                var expected = count > 1 ? sum / Math.Sqrt(count) : sum;
                Assert.Equal(expected, actual[b * dim + d], 4);
            }
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(32)] // the width kept in registers
    public void A_bag_continued_from_a_partial_sum_equals_the_whole_bag_bit_for_bit(int dim)
    {
        const int rows = 50;
        var table = Values(rows * dim);
        int[] ids = [4, 9, 9, 0, 49, 17, 3, 22, 8];
        var whole = new float[dim];
        CpuBackend.Instance.EmbeddingBag(table, dim, ids, [0, ids.Length], whole);

        var continued = new float[dim];
        CpuBackend.Instance.AccumulateRows(table, dim, ids.AsSpan(0, 4), continued);
        CpuBackend.Instance.AccumulateRows(table, dim, ids.AsSpan(4), continued);
        CpuBackend.Instance.ScaleBag(continued, ids.Length);

        Assert.Equal(whole, continued);
    }

    [Fact]
    public void An_id_outside_the_table_is_refused()
    {
        var table = Values(4 * 32);
        Assert.ThrowsAny<Exception>(() => CpuBackend.Instance.AccumulateRows(table, 32, [4], new float[32]));
        Assert.ThrowsAny<Exception>(() => CpuBackend.Instance.AccumulateRows(table, 32, [-1], new float[32]));
    }

    [Theory]
    [InlineData(Activation.None, 37)]
    [InlineData(Activation.Relu, 37)]
    [InlineData(Activation.None, 32)] // the vector-blocked path: a 4-row block, rows and an output left over
    [InlineData(Activation.Relu, 64)]
    [InlineData(Activation.Relu, 8)]
    public void Linear_equals_the_reference_loop(Activation activation, int inDim)
    {
        const int rows = 7, outDim = 11;
        var input = Values(rows * inDim);
        var weights = Values(outDim * inDim);
        var bias = Values(outDim);
        var actual = new float[rows * outDim];
        CpuBackend.Instance.Linear(input, rows, inDim, weights, bias, outDim, actual, activation);

        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outDim; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < inDim; i++)
                {
                    sum += input[r * inDim + i] * weights[o * inDim + i];
                }
                var expected = activation == Activation.Relu ? Math.Max(0, sum) : sum;
                Assert.Equal(expected, actual[r * outDim + o], 4);
            }
        }
    }

    [Theory]
    [InlineData(32, 32)]
    [InlineData(64, 3)]
    [InlineData(64, 1)]
    [InlineData(13, 5)]
    public void A_row_of_a_batch_equals_the_row_alone_bit_for_bit(int inDim, int outDim)
    {
        const int rows = 11; // two blocks of four and three rows left over
        var input = Values(rows * inDim);
        var weights = Values(outDim * inDim);
        var bias = Values(outDim);
        var batched = new float[rows * outDim];
        CpuBackend.Instance.Linear(input, rows, inDim, weights, bias, outDim, batched, Activation.None);

        for (var r = 0; r < rows; r++)
        {
            var alone = new float[outDim];
            CpuBackend.Instance.Linear(input.AsSpan(r * inDim, inDim), 1, inDim, weights, bias, outDim, alone, Activation.None);
            Assert.Equal(alone, batched.AsSpan(r * outDim, outDim).ToArray());
        }
    }

    [Fact]
    public void Add_rows_relu_equals_the_reference_loop()
    {
        const int dim = 9;
        var target = Values(5 * dim);
        var original = (float[])target.Clone();
        var source = Values(3 * dim);
        int[] owners = [0, 0, 2, 1, 2];
        CpuBackend.Instance.AddRowsRelu(target, dim, source, owners);

        for (var t = 0; t < owners.Length; t++)
        {
            for (var d = 0; d < dim; d++)
            {
                Assert.Equal(Math.Max(0, original[t * dim + d] + source[owners[t] * dim + d]), target[t * dim + d], 5);
            }
        }
    }

    private float[] Values(int count) => Enumerable.Range(0, count).Select(_ => _random.NextSingle() * 2 - 1).ToArray();
}
