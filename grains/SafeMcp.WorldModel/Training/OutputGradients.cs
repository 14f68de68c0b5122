namespace SafeMcp.WorldModel.Training;

/// <summary>The loss gradients at the network's outputs for one batch, filled by an objective.</summary>
public sealed class OutputGradients(int examples, int tools)
{
    /// <summary>∂loss/∂label logits, examples × 3.</summary>
    public float[] Label { get; } = new float[examples * Network.SafetyLabels.Count];

    /// <summary>∂loss/∂next-state logits, examples × 3.</summary>
    public float[] NextState { get; } = new float[examples * Network.NextStateFeature.Count];

    /// <summary>∂loss/∂tool logits, one per tool row.</summary>
    public float[] Tools { get; } = new float[tools];
}
