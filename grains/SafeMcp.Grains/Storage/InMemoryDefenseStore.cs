using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Grains.Storage;

/// <summary>Registry pins and grants in memory: the tenant-level stores of replays, evaluations and tests.</summary>
public sealed class InMemoryDefenseStore : IToolRegistryStore, IGrantStore
{
    private readonly Dictionary<(string, string, string), ToolPin> _pins = [];
    private readonly Dictionary<string, GrantPolicy> _policies = [];
    private readonly Dictionary<string, Grant> _grants = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<IReadOnlyList<ToolPin>> LoadServerAsync(string tenantId, string server, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ToolPin>>(_pins.Values.Where(p => p.TenantId == tenantId && p.Server == server).ToArray());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ToolPin>> ListAsync(string tenantId, string? server, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ToolPin>>(_pins.Values.Where(p => p.TenantId == tenantId && (server is null || p.Server == server)).ToArray());
        }
    }

    /// <inheritdoc />
    public Task SaveAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var pin in pins)
            {
                _pins[(pin.TenantId, pin.Server, pin.Tool)] = pin;
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<GrantPolicy> LoadPolicyAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_policies.GetValueOrDefault(tenantId) ?? new GrantPolicy([], []));
        }
    }

    /// <inheritdoc />
    public Task SavePolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _policies[tenantId] = policy;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Grant>> LoadGrantsAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Grant>>(_grants.Values.Where(g => g.TenantId == tenantId && g.ExpiresAt >= since).ToArray());
        }
    }

    /// <inheritdoc />
    public Task SaveGrantAsync(Grant grant, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _grants[grant.GrantId] = grant;
        }
        return Task.CompletedTask;
    }
}
