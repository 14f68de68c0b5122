using Microsoft.Extensions.Options;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses.Arguments;
using SafeMcp.Grains.Defenses.Baselines;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Poisoning;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Silo.Defenses;

/// <summary>Registers the SAFE-MCP defenses as decision layers, gates and outcome observers, with their tenant-level stores.</summary>
internal static class DefenseServices
{
    /// <summary>Options are bound from the <c>Defenses:*</c> configuration sections (e.g. <c>Defenses__RateLimits__SessionPerSecond</c>).</summary>
    public static IServiceCollection AddDefenses(this IServiceCollection services, SiloOptions options)
    {
        services.AddOptions<RegistryOptions>().BindConfiguration("Defenses:Registry");
        services.AddOptions<GrantOptions>().BindConfiguration("Defenses:Grants");
        services.AddOptions<RateLimitOptions>().BindConfiguration("Defenses:RateLimits");
        services.AddOptions<BaselineOptions>().BindConfiguration("Defenses:Baselines");

        // The tenant-level stores (IToolRegistryStore, IGrantStore) are registered with the storage (StorageRegistration).
        services.AddSingleton(sp => new ToolRegistry(sp.GetRequiredService<IToolRegistryStore>(), sp.GetRequiredService<IOptions<RegistryOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IToolGate>(sp => sp.GetRequiredService<ToolRegistry>());
        services.AddSingleton(sp => new GrantGate(sp.GetRequiredService<IGrantStore>(), sp.GetRequiredService<IOptions<GrantOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IToolGate>(sp => sp.GetRequiredService<GrantGate>());

        services.AddSingleton<IVisibilityRule, PoisoningVisibilityRule>();
        services.AddSingleton<ICallDetector, ArgumentDetector>();
        services.AddSingleton(sp => new RateLimitDetector(sp.GetRequiredService<IOptions<RateLimitOptions>>().Value));
        services.AddSingleton<ICallDetector>(sp => sp.GetRequiredService<RateLimitDetector>());
        services.AddSingleton<ICallDetector>(sp => new LoopDetector(sp.GetRequiredService<IOptions<RateLimitOptions>>().Value));
        services.AddSingleton(sp => new BaselineMonitor(sp.GetRequiredService<IOptions<BaselineOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICallDetector>(sp => sp.GetRequiredService<BaselineMonitor>());
        services.AddSingleton<IOutcomeObserver>(sp => sp.GetRequiredService<BaselineMonitor>());
        return services;
    }
}
