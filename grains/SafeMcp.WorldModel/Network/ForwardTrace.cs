namespace SafeMcp.WorldModel.Network;

/// <summary>Every intermediate of one batched forward pass; predictions read it, training back-propagates through it.</summary>
public sealed class ForwardTrace
{
    public ForwardTrace(ModelShape shape, int examples, int tools)
    {
        Shape = shape;
        Examples = examples;
        Tools = tools;
        Context = new float[examples * shape.Dim];
        Hidden = new float[examples * shape.Hidden];
        LabelLogits = new float[examples * SafetyLabels.Count];
        NextStateLogits = new float[examples * NextStateFeature.Count];
        ToolContext = new float[examples * shape.ToolHidden];
        ToolOwner = new int[tools];
        ToolFirst = new int[examples + 1];
        ToolEmbedding = new float[tools * shape.Dim];
        ToolHidden = new float[tools * shape.ToolHidden];
        ToolLogits = new float[tools];
    }

    /// <summary>The shape the buffers are sized for.</summary>
    public ModelShape Shape { get; }

    /// <summary>Examples in this pass (buffers may be larger when reused).</summary>
    public int Examples { get; private set; }

    /// <summary>Tool rows in this pass (buffers may be larger when reused).</summary>
    public int Tools { get; private set; }

    /// <summary>Reuses the buffers for a pass of <paramref name="examples"/> and <paramref name="tools"/> when they are large enough.</summary>
    internal bool TryReuse(ModelShape shape, int examples, int tools)
    {
        if (shape != Shape || examples + 1 > ToolFirst.Length || tools > ToolLogits.Length)
        {
            return false;
        }
        Examples = examples;
        Tools = tools;
        return true;
    }
    public float[] Context { get; }
    public float[] Hidden { get; }
    public float[] LabelLogits { get; }
    public float[] NextStateLogits { get; }
    public float[] ToolContext { get; }

    /// <summary>For each tool row, the example it belongs to.</summary>
    public int[] ToolOwner { get; }

    /// <summary>For each example, the first of its tool rows; one more entry than examples.</summary>
    public int[] ToolFirst { get; }
    public float[] ToolEmbedding { get; }
    public float[] ToolHidden { get; }
    public float[] ToolLogits { get; }
}
