namespace SafeMcp.WorldModel.Network;

/// <summary>A trained (or initialized) model: its shape, its parameters and the thresholds chosen on validation data.</summary>
public sealed class WorldModelWeights
{
    public WorldModelWeights(ModelShape shape, float[] parameters, float toolThreshold)
    {
        Layout = new ParameterLayout(shape);
        if (parameters.Length != Layout.Count)
        {
            throw new ArgumentException($"Expected {Layout.Count} parameters for {shape}, got {parameters.Length}.");
        }
        Parameters = parameters;
        ToolThreshold = toolThreshold;
    }

    /// <summary>The shape.</summary>
    public ModelShape Shape => Layout.Shape;

    /// <summary>Where each tensor lives in <see cref="Parameters"/>.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>All parameters, flat.</summary>
    public float[] Parameters { get; }

    /// <summary>A tool whose filter probability reaches this is filtered.</summary>
    public float ToolThreshold { get; set; }

    /// <summary>Log-odds added to the safe label when deciding (chosen on validation data to bound false interventions).</summary>
    public float SafeBias { get; set; }

    /// <summary>
    /// How much the current action's own filter score counts for the unsafe label: its log-odds times this are added
    /// to the unsafe label's log-odds when deciding (an unsafe action is one whose tool must be filtered; chosen on
    /// validation data; 0: the label head alone).
    /// </summary>
    public float CurrentActionWeight { get; set; }

    /// <summary>
    /// Whether the model was trained on tools' descriptions and argument schemas. When it was not, inference does not
    /// read them: their words would only land in hash buckets trained for other features. Default true (a model file
    /// of format version 2 has no such field and read them).
    /// </summary>
    public bool ReadsToolText { get; set; } = true;

    /// <summary>A freshly initialized model: small random embeddings, He-scaled dense weights, zero biases.</summary>
    public static WorldModelWeights Initialize(ModelShape shape, int seed)
    {
        var layout = new ParameterLayout(shape);
        var parameters = new float[layout.Count];
        var random = new Random(seed);
        Fill(parameters.AsSpan()[layout.Embedding], random, 0.1f);
        foreach (var (range, fanIn) in layout.DenseWeights())
        {
            Fill(parameters.AsSpan()[range], random, MathF.Sqrt(2f / fanIn));
        }
        return new WorldModelWeights(shape, parameters, 0.5f);
    }

    /// <summary>A deep copy.</summary>
    public WorldModelWeights Clone() => new(Shape, (float[])Parameters.Clone(), ToolThreshold) { SafeBias = SafeBias, CurrentActionWeight = CurrentActionWeight, ReadsToolText = ReadsToolText };

    private static void Fill(Span<float> target, Random random, float scale)
    {
        for (var i = 0; i < target.Length; i++)
        {
            // Sum of uniforms: close enough to a normal, and reproducible across runtimes.
            var u = random.NextSingle() + random.NextSingle() + random.NextSingle() - 1.5f;
            target[i] = u * 2f * scale;
        }
    }
}
