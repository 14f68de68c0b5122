namespace SafeMcp.WorldModel.Features;

/// <summary>Bounds of feature extraction: they keep one check cheap whatever the session sends.</summary>
public sealed class FeatureOptions
{
    /// <summary>Words read from the instruction. Default 96.</summary>
    public int MaxInstructionWords { get; set; } = 96;

    /// <summary>Words read from one tool description or schema. Default 32.</summary>
    public int MaxToolWords { get; set; } = 32;

    /// <summary>Words read from one argument object. Default 48.</summary>
    public int MaxArgumentWords { get; set; } = 48;

    /// <summary>Words read from one observation. Default 16 (more dilutes the current action in the context bag).</summary>
    public int MaxObservationWords { get; set; } = 16;

    /// <summary>Words read from the current action's thought. Default 48.</summary>
    public int MaxThoughtWords { get; set; } = 48;

    /// <summary>Most recent prefix steps read. Default 8.</summary>
    public int MaxPrefixSteps { get; set; } = 8;

    /// <summary>Longest text read from any one field, in characters. Default 4096.</summary>
    public int MaxFieldChars { get; set; } = 4096;

    /// <summary>The bounds a model reads with: these, without tool descriptions and schemas if it was not trained on them.</summary>
    public FeatureOptions For(Network.WorldModelWeights weights)
    {
        if (weights.ReadsToolText)
        {
            return this;
        }
        var options = (FeatureOptions)MemberwiseClone();
        options.MaxToolWords = 0;
        return options;
    }
}
