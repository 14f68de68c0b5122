using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.Silo.Inference;

/// <summary>Puts the world model into a silo's decision path.</summary>
internal static class WorldModelRegistration
{
    /// <summary>
    /// Loads the model file now (a wrong or corrupt file stops the silo at start with the reason, rather than
    /// failing every call later), and registers the batching inference service and the world-model detector.
    /// </summary>
    public static IServiceCollection AddWorldModel(this IServiceCollection services, string? modelPath)
    {
        services.AddOptions<InferenceOptions>().BindConfiguration("Inference");
        services.AddOptions<LookAheadOptions>().BindConfiguration("LookAhead");
        services.AddOptions<InferenceCacheOptions>().BindConfiguration("InferenceCache");
        services.AddOptions<WorldModelDetectorOptions>().BindConfiguration("WorldModel");
        if (modelPath is null)
        {
            return services;
        }
        var weights = SafeMcp.WorldModel.ModelFile.ModelFileFormat.Read(modelPath);
        services.AddSingleton(sp => new WorldModelPredictor(weights, SafeMcp.WorldModel.Kernels.CpuBackend.Instance,
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LookAheadOptions>>().Value,
            cache: sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<InferenceCacheOptions>>().Value));
        services.AddSingleton<BatchingInferenceService>();
        services.AddSingleton<IWorldModelService>(sp => sp.GetRequiredService<BatchingInferenceService>());
        services.AddSingleton(sp => new WorldModelDetector(sp.GetRequiredService<IWorldModelService>(),
            options: sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorldModelDetectorOptions>>().Value));
        return services;
    }
}
