using Microsoft.Extensions.Options;
using SafeMcp.Grains.Defenses.Baselines;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Grains.Defenses.Registry;
using SafeMcp.Silo.Decisions;

namespace SafeMcp.Silo.Defenses;

/// <summary>Registers the SAFE-MCP defenses (<see cref="DefenseLayers"/>) and their options; <see cref="SiloDecisionPath"/> puts them in the decision path.</summary>
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
        // The defenses are made once (DefenseLayers) and take their place in the decision path in SiloDecisionPath; the API
        // resolves the same instances to manage them.
        services.AddSingleton(sp => DefenseLayers.Create(sp.GetRequiredService<IToolRegistryStore>(), sp.GetRequiredService<IGrantStore>(),
            sp.GetRequiredService<IOptions<RegistryOptions>>().Value, sp.GetRequiredService<IOptions<GrantOptions>>().Value,
            sp.GetRequiredService<IOptions<RateLimitOptions>>().Value, sp.GetRequiredService<IOptions<BaselineOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<DefenseLayers>().Registry);
        services.AddSingleton(sp => sp.GetRequiredService<DefenseLayers>().Grants);
        services.AddSingleton(sp => sp.GetRequiredService<DefenseLayers>().RateLimits);
        services.AddSingleton(sp => sp.GetRequiredService<DefenseLayers>().Baselines);
        return services;
    }
}
