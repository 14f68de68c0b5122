using Microsoft.Extensions.Options;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Silo.Inference;

/// <summary>Puts the world model into a silo's decision path.</summary>
internal static class WorldModelRegistration
{
    /// <summary>The batcher of the fast network (tier 1).</summary>
    public const string FastTier = "fast";

    /// <summary>The batcher of the transformer (tier 2) and the name of its <see cref="InferenceOptions"/> (section <c>Inference:Transformer</c>).</summary>
    public const string TransformerTier = "transformer";

    /// <summary>
    /// Loads the models now (a wrong or corrupt file, or an ONNX model that breaks the contract, stops the silo at start
    /// with the reason, rather than failing every call later), and registers one batching inference service a tier and
    /// the world-model detector. A <c>.onnx</c> path is the transformer (tier 2) beside the shipped fast network (tier 1),
    /// shared as <see cref="TieringOptions"/> say; any other path is a fast network alone.
    /// </summary>
    public static IServiceCollection AddWorldModel(this IServiceCollection services, IConfiguration configuration, string? modelPath)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration("Inference");
        services.AddOptions<InferenceOptions>(TransformerTier).Configure(o =>
        {
            // A transformer pass costs tens of milliseconds and shares much of it within a batch: batch wide, wait a little.
            o.MaxBatch = 32;
            o.MaxDelayMicroseconds = 2000;
        }).BindConfiguration("Inference:Transformer");
        services.AddOptions<LookAheadOptions>().BindConfiguration("LookAhead");
        services.AddOptions<InferenceCacheOptions>().BindConfiguration("InferenceCache");
        services.AddOptions<WorldModelDetectorOptions>().BindConfiguration("WorldModel");
        if (modelPath is null)
        {
            return services;
        }
        var transformer = IsOnnx(modelPath) ? LoadTransformer(configuration, modelPath) : null;
        var weights = ModelFileFormat.Read(transformer is null ? modelPath : SiloOptions.ShippedWorldModelPath);
        services.AddSingleton(sp => new WorldModelPredictor(weights, SafeMcp.WorldModel.Kernels.CpuBackend.Instance,
            sp.GetRequiredService<IOptions<LookAheadOptions>>().Value, cache: sp.GetRequiredService<IOptions<InferenceCacheOptions>>().Value));
        services.AddKeyedSingleton(FastTier, (sp, _) => new BatchingInferenceService(sp.GetRequiredService<WorldModelPredictor>(), sp.GetRequiredService<IOptions<InferenceOptions>>()));
        if (transformer is null)
        {
            services.AddSingleton<IWorldModelService>(sp => sp.GetRequiredKeyedService<BatchingInferenceService>(FastTier));
        }
        else
        {
            var tiering = configuration.GetSection("WorldModel:Tiering").Get<TieringOptions>() ?? new TieringOptions();
            tiering.Validate();
            services.AddSingleton(tiering);
            services.AddSingleton(transformer);
            services.AddKeyedSingleton(TransformerTier, (sp, _) => new BatchingInferenceService(transformer,
                Options.Create(sp.GetRequiredService<IOptionsMonitor<InferenceOptions>>().Get(TransformerTier))));
            services.AddSingleton(sp => new TieredWorldModelService(sp.GetRequiredKeyedService<BatchingInferenceService>(FastTier),
                sp.GetRequiredKeyedService<BatchingInferenceService>(TransformerTier), tiering));
            services.AddSingleton<IWorldModelService>(sp => sp.GetRequiredService<TieredWorldModelService>());
            services.AddHostedService<WorldModelStartLog>();
        }
        services.AddSingleton(sp => new WorldModelDetector(sp.GetRequiredService<IWorldModelService>(),
            options: sp.GetRequiredService<IOptions<WorldModelDetectorOptions>>().Value));
        return services;
    }

    /// <summary>Whether <paramref name="path"/> names an ONNX model (tier 2) rather than a fast network's file.</summary>
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static OnnxWorldModel LoadTransformer(IConfiguration configuration, string path)
    {
        var options = configuration.GetSection("WorldModel:Onnx").Get<OnnxModelOptions>() ?? new OnnxModelOptions();
        try
        {
            return OnnxWorldModel.Load(path, options);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"WorldModel:Onnx options: {e.Message}");
        }
    }
}
