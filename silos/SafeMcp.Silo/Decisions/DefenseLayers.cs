using SafeMcp.Grains.Defenses.Baselines;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.RateLimits;
using SafeMcp.Grains.Defenses.Registry;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Defenses;

namespace SafeMcp.Silo.Decisions;

/// <summary>
/// The stateful SAFE-MCP defenses of one decision path, made once over the tenant-level stores: the silo's API manages
/// the same instances (approvals, grants, baselines) that its decisions consult.
/// </summary>
/// <param name="Registry">Pinned tool definitions (rug pull, SAFE-T1201): a gate.</param>
/// <param name="Grants">Just-in-time grants: a gate.</param>
/// <param name="RateLimits">Token buckets per tenant, session and tool (SAFE-T1106).</param>
/// <param name="Loops">Identical calls repeated in a session.</param>
/// <param name="Baselines">Behaviour baselines: a detector and an outcome observer.</param>
internal sealed record DefenseLayers(ToolRegistry Registry, GrantGate Grants, RateLimitDetector RateLimits, LoopDetector Loops, BaselineMonitor Baselines)
{
    /// <summary>The defenses over <paramref name="registry"/> and <paramref name="grants"/> with the given options.</summary>
    public static DefenseLayers Create(IToolRegistryStore registry, IGrantStore grants, RegistryOptions registryOptions, GrantOptions grantOptions,
        RateLimitOptions rateLimits, BaselineOptions baselines, TimeProvider time) =>
        new(new ToolRegistry(registry, registryOptions, time), new GrantGate(grants, grantOptions, time), new RateLimitDetector(rateLimits),
            new LoopDetector(rateLimits), new BaselineMonitor(baselines, time));

    /// <summary>The defenses with their default options over stores in memory: for replays and evaluations.</summary>
    public static DefenseLayers InMemory(TimeProvider time)
    {
        var store = new InMemoryDefenseStore();
        return Create(store, store, new RegistryOptions(), new GrantOptions(), new RateLimitOptions(), new BaselineOptions(), time);
    }
}
