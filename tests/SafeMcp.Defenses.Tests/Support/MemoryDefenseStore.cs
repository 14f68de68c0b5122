using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Defenses.Tests.Support;

/// <summary>Registry pins and grants in memory.</summary>
internal sealed class MemoryDefenseStore : IToolRegistryStore, IGrantStore
{
    private readonly Dictionary<(string, string, string), ToolPin> _pins = [];
    private readonly Dictionary<string, GrantPolicy> _policies = [];
    private readonly Dictionary<string, Grant> _grants = [];

    public Task<IReadOnlyList<ToolPin>> LoadServerAsync(string tenantId, string server, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolPin>>(_pins.Values.Where(p => p.TenantId == tenantId && p.Server == server).ToArray());

    public Task<IReadOnlyList<ToolPin>> ListAsync(string tenantId, string? server, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolPin>>(_pins.Values.Where(p => p.TenantId == tenantId && (server is null || p.Server == server)).ToArray());

    public Task SaveAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken)
    {
        foreach (var pin in pins)
        {
            _pins[(pin.TenantId, pin.Server, pin.Tool)] = pin;
        }
        return Task.CompletedTask;
    }

    public Task<GrantPolicy> LoadPolicyAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult(_policies.GetValueOrDefault(tenantId) ?? new GrantPolicy([], []));

    public Task SavePolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken)
    {
        _policies[tenantId] = policy;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Grant>> LoadGrantsAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Grant>>(_grants.Values.Where(g => g.TenantId == tenantId && g.ExpiresAt >= since).ToArray());

    public Task SaveGrantAsync(Grant grant, CancellationToken cancellationToken)
    {
        _grants[grant.GrantId] = grant;
        return Task.CompletedTask;
    }
}
