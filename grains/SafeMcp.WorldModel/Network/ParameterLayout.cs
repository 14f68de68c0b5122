namespace SafeMcp.WorldModel.Network;

/// <summary>
/// Where each tensor lives in the one flat parameter array (training updates it as one vector; the file
/// stores it as one block). Weights are row-major, out × in.
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(ModelShape shape)
    {
        shape.Validate();
        Shape = shape;
        var offset = 0;
        Embedding = Take(ref offset, shape.Buckets * shape.Dim);
        HiddenWeights = Take(ref offset, shape.Hidden * shape.Dim);
        HiddenBias = Take(ref offset, shape.Hidden);
        LabelWeights = Take(ref offset, SafetyLabels.Count * shape.Hidden);
        LabelBias = Take(ref offset, SafetyLabels.Count);
        NextStateWeights = Take(ref offset, NextStateFeature.Count * shape.Hidden);
        NextStateBias = Take(ref offset, NextStateFeature.Count);
        ToolContextWeights = Take(ref offset, shape.ToolHidden * shape.Hidden);
        ToolBias = Take(ref offset, shape.ToolHidden);
        ToolEmbeddingWeights = Take(ref offset, shape.ToolHidden * shape.Dim);
        ToolScoreWeights = Take(ref offset, shape.ToolHidden);
        ToolScoreBias = Take(ref offset, 1);
        Count = offset;
    }

    public ModelShape Shape { get; }
    public Range Embedding { get; }
    public Range HiddenWeights { get; }
    public Range HiddenBias { get; }
    public Range LabelWeights { get; }
    public Range LabelBias { get; }
    public Range NextStateWeights { get; }
    public Range NextStateBias { get; }
    public Range ToolContextWeights { get; }
    public Range ToolBias { get; }
    public Range ToolEmbeddingWeights { get; }
    public Range ToolScoreWeights { get; }
    public Range ToolScoreBias { get; }

    /// <summary>The number of parameters.</summary>
    public int Count { get; }

    /// <summary>The dense (non-embedding) ranges with their fan-in, for initialization.</summary>
    public IEnumerable<(Range Range, int FanIn)> DenseWeights()
    {
        yield return (HiddenWeights, Shape.Dim);
        yield return (LabelWeights, Shape.Hidden);
        yield return (NextStateWeights, Shape.Hidden);
        yield return (ToolContextWeights, Shape.Hidden);
        yield return (ToolEmbeddingWeights, Shape.Dim);
        yield return (ToolScoreWeights, Shape.ToolHidden);
    }

    private static Range Take(ref int offset, int length)
    {
        var range = new Range(offset, offset + length);
        offset += length;
        return range;
    }
}
