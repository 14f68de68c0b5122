namespace SafeMcp.WorldModel.Onnx;

/// <summary>How an ONNX world model (tier 2) is loaded and fed. Validated when the model loads (<see cref="Validate"/>).</summary>
public sealed class OnnxModelOptions
{
    /// <summary>Try CUDA first (when the ONNX Runtime build and the machine have it), else the CPU provider. Default true.</summary>
    public bool PreferCuda { get; set; } = true;

    /// <summary>Threads one forward pass may use on the CPU provider; 0 lets ONNX Runtime choose (one a core). Default 0.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Most tokens a check is cut to when the model's sequence axis is dynamic (a fixed axis is the model's own length).
    /// Default 256: the task, the action and the latest steps fit; longer inputs cost more than linearly.
    /// </summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Share of <see cref="MaxTokens"/> the task (the first segment) may take; the rest is the action, tools and steps. Default 0.3.</summary>
    public double TaskShare { get; set; } = 0.3;

    /// <summary>Characters of one field (arguments, observation, description, thought) the text serialisation keeps. Default 400.</summary>
    public int MaxFieldChars { get; set; } = 400;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentException($"OnnxModelOptions.IntraOpThreads must not be negative (was {IntraOpThreads}).");
        }
        if (MaxTokens is < 16 or > 8192)
        {
            throw new ArgumentException($"OnnxModelOptions.MaxTokens must be between 16 and 8192 (was {MaxTokens}).");
        }
        if (TaskShare is <= 0 or >= 1)
        {
            throw new ArgumentException($"OnnxModelOptions.TaskShare must be between 0 and 1, both excluded (was {TaskShare}).");
        }
        if (MaxFieldChars < 16)
        {
            throw new ArgumentException($"OnnxModelOptions.MaxFieldChars must be at least 16 (was {MaxFieldChars}).");
        }
    }
}
