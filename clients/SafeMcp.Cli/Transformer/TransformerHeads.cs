namespace SafeMcp.Cli.Transformer;

/// <summary>
/// The trained heads over the encoder's pooled vector (width <see cref="Dim"/>): label logits = pooled · Label + LabelBias,
/// tool logits = pooled · Tool + ToolBias; matrices row-major [Dim, outputs], as ONNX MatMul reads them.
/// </summary>
internal sealed record TransformerHeads(int Dim, int MaxTools, float[] Label, float[] LabelBias, float[] Tool, float[] ToolBias)
{
    /// <summary>Heads that predict nothing yet (all zero): the graph the training reads the pooled vectors through.</summary>
    public static TransformerHeads Zero(int dim, int maxTools) => new(dim, maxTools, new float[dim * 3], new float[3], new float[dim * maxTools], new float[maxTools]);
}
