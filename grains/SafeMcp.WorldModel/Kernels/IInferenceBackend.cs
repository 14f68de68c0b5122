namespace SafeMcp.WorldModel.Kernels;

/// <summary>
/// The batched kernels the network's forward pass needs. The CPU backend implements them on
/// <see cref="System.Numerics.Tensors.TensorPrimitives"/>; a GPU backend implements the same contract.
/// Every kernel is deterministic: the same inputs give bit-identical outputs, whatever the batch.
/// </summary>
public interface IInferenceBackend
{
    /// <summary>The backend's name, for logs and benchmarks.</summary>
    string Name { get; }

    /// <summary>
    /// Embedding bags: for each bag b, <c>output[b] = (Σ table[ids[j]] for j in offsets[b]..offsets[b+1]) / √n</c>
    /// (zero for an empty bag). <paramref name="offsets"/> has one more entry than there are bags.
    /// </summary>
    void EmbeddingBag(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, ReadOnlySpan<int> offsets, Span<float> output);

    /// <summary>
    /// A running bag sum: <c>sum += table[ids[j]]</c> for each j in order. Adding in order makes a sum continued
    /// from a stored partial sum of a bag's first ids equal, bit for bit, the sum <see cref="EmbeddingBag"/> computes.
    /// </summary>
    void AccumulateRows(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> sum);

    /// <summary>Finishes a bag of <paramref name="count"/> ids from its sum: divides by √count when count &gt; 1.</summary>
    void ScaleBag(Span<float> sum, int count);

    /// <summary>
    /// A batched affine layer: <c>output[r, o] = act(bias[o] + Σ_i input[r, i] · weights[o, i])</c>,
    /// row-major, <paramref name="weights"/> is outDim × inDim.
    /// </summary>
    void Linear(ReadOnlySpan<float> input, int rows, int inDim, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outDim, Span<float> output, Activation activation);

    /// <summary>Broadcast add then ReLU: <c>target[t] = max(0, target[t] + source[sourceRows[t]])</c>, rows of <paramref name="dim"/>.</summary>
    void AddRowsRelu(Span<float> target, int dim, ReadOnlySpan<float> source, ReadOnlySpan<int> sourceRows);
}
