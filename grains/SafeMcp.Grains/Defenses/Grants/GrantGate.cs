using System.Collections.Concurrent;
using System.Security.Cryptography;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Defenses;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Defenses.Grants;

/// <summary>
/// Just-in-time grants (least privilege in time): tools a tenant's policy names, or that have a capability it names,
/// stay withheld from a session until a grant for that session covers them, and are withheld again once the grant
/// expires or is revoked. Tenant state is kept in memory; a copy older than <see cref="GrantOptions.RefreshInterval"/> is
/// re-read before it is used (one read shared by the decisions waiting on it), so a grant, revocation or policy stored
/// through another silo applies to every decision that starts more than that interval after it.
/// </summary>
public sealed class GrantGate(IGrantStore store, GrantOptions options, TimeProvider time) : IToolGate
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "grants";

    private readonly ConcurrentDictionary<string, TenantGrants> _tenants = new(StringComparer.Ordinal);

    /// <inheritdoc />
    string IToolGate.Layer => Layer;

    /// <inheritdoc />
    public ValueTask ObserveAsync(SessionState session, string server, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask ApplyAsync(SessionState session, DateTimeOffset now, List<WithheldTool> gated, CancellationToken cancellationToken)
    {
        var tenant = await GetAsync(session.TenantId, cancellationToken).ConfigureAwait(false);
        if (now - tenant.LoadedAt > options.RefreshInterval)
        {
            await tenant.RefreshAsync(this, session.TenantId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        var snapshot = tenant.Snapshot;
        if (snapshot.Tools.Count == 0 && snapshot.Capabilities == Capability.None)
        {
            return;
        }
        foreach (var tool in session.Tools.Values)
        {
            var needed = snapshot.Tools.Contains(tool.Name) || (tool.Capabilities & snapshot.Capabilities) != 0;
            if (!needed)
            {
                continue;
            }
            Grant? last = null;
            var covered = false;
            foreach (var grant in snapshot.Grants)
            {
                if (grant.SessionId != session.SessionId || !(grant.Tool == tool.Name || (grant.Capability is { } c && (CapabilityNames.Parse([c]) & tool.Capabilities) != 0)))
                {
                    continue;
                }
                if (grant.IsActive(now))
                {
                    covered = true;
                    break;
                }
                last = grant;
            }
            if (!covered)
            {
                var why = last is null ? "needs a just-in-time grant" : last.RevokedAt is not null ? $"its grant {last.GrantId} was revoked" : $"its grant {last.GrantId} expired at {last.ExpiresAt:O}";
                gated.Add(new WithheldTool(tool.Name, $"[{Layer}] '{tool.Name}' {why}.", [Techniques.HighPrivilegeToolAbuse, Techniques.ExplicitPrivilegeBoundaries, Techniques.ScopeLimiting], tool.Server));
            }
        }
    }

    /// <summary>Replaces a tenant's policy.</summary>
    public async Task<GrantPolicy> SetPolicyAsync(string tenantId, GrantPolicy policy, CancellationToken cancellationToken)
    {
        var tools = (policy.Tools ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        var capabilities = (policy.Capabilities ?? []).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in capabilities)
        {
            if (CapabilityNames.Parse([name]) == Capability.None)
            {
                throw new DefenseRequestException(DefenseErrorKind.Invalid, "unknown_capability", $"'{name}' is not a capability (known: {string.Join(", ", CapabilityNames.Of((Capability)~0))}).");
            }
        }
        var clean = new GrantPolicy(tools, capabilities);
        await store.SavePolicyAsync(tenantId, clean, cancellationToken).ConfigureAwait(false);
        await ReloadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return clean;
    }

    /// <summary>The tenant's policy.</summary>
    public Task<GrantPolicy> GetPolicyAsync(string tenantId, CancellationToken cancellationToken) => store.LoadPolicyAsync(tenantId, cancellationToken);

    /// <summary>Grants a session a tool or a capability.</summary>
    public async Task<Grant> GrantAsync(string tenantId, GrantRequest request, CancellationToken cancellationToken)
    {
        SessionGrain.ValidateSessionId(request.SessionId ?? string.Empty);
        if ((request.Tool is null) == (request.Capability is null))
        {
            throw new DefenseRequestException(DefenseErrorKind.Invalid, "tool_or_capability", "A grant names either a tool or a capability.");
        }
        if (request.Capability is { } capability && CapabilityNames.Parse([capability]) == Capability.None)
        {
            throw new DefenseRequestException(DefenseErrorKind.Invalid, "unknown_capability", $"'{capability}' is not a capability.");
        }
        if (string.IsNullOrWhiteSpace(request.Task) || request.Task.Length > 1024)
        {
            throw new DefenseRequestException(DefenseErrorKind.Invalid, "invalid_task", "A grant states its task in 1–1024 characters.");
        }
        if (request.TtlSeconds < 1 || TimeSpan.FromSeconds(request.TtlSeconds) > options.MaxTtl)
        {
            throw new DefenseRequestException(DefenseErrorKind.Invalid, "invalid_ttl", $"ttlSeconds is between 1 and {(int)options.MaxTtl.TotalSeconds}.");
        }
        var now = time.GetUtcNow();
        var grant = new Grant("g_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), tenantId, request.SessionId!, request.Tool, request.Capability,
            request.Task, now, now.AddSeconds(request.TtlSeconds), null);
        await store.SaveGrantAsync(grant, cancellationToken).ConfigureAwait(false);
        await ReloadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>Revokes a grant at once.</summary>
    public async Task<Grant> RevokeAsync(string tenantId, string grantId, CancellationToken cancellationToken)
    {
        var grants = await store.LoadGrantsAsync(tenantId, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
        var grant = grants.FirstOrDefault(g => g.GrantId == grantId)
            ?? throw new DefenseRequestException(DefenseErrorKind.NotFound, "unknown_grant", $"No grant '{grantId}'.");
        if (grant.RevokedAt is null)
        {
            grant = grant with { RevokedAt = time.GetUtcNow() };
            await store.SaveGrantAsync(grant, cancellationToken).ConfigureAwait(false);
            await ReloadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }
        return grant;
    }

    /// <summary>The tenant's grants, optionally of one session.</summary>
    public async Task<IReadOnlyList<Grant>> ListAsync(string tenantId, string? sessionId, CancellationToken cancellationToken)
    {
        var grants = await store.LoadGrantsAsync(tenantId, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
        return grants.Where(g => sessionId is null || g.SessionId == sessionId).OrderBy(g => g.CreatedAt).ToArray();
    }

    private async ValueTask<TenantGrants> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }
        await ReloadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return _tenants[tenantId];
    }

    private async Task ReloadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policy = await store.LoadPolicyAsync(tenantId, cancellationToken).ConfigureAwait(false);
        // Expired grants stay in memory for a day so a withheld tool can say which grant ran out.
        var grants = await store.LoadGrantsAsync(tenantId, now - options.MaxTtl, cancellationToken).ConfigureAwait(false);
        var snapshot = new GrantSnapshot(policy.Tools.ToHashSet(StringComparer.Ordinal), CapabilityNames.Parse(policy.Capabilities), grants);
        _tenants.GetOrAdd(tenantId, _ => new TenantGrants()).Set(snapshot, now);
    }

    private sealed record GrantSnapshot(HashSet<string> Tools, Capability Capabilities, IReadOnlyList<Grant> Grants);

    private sealed class TenantGrants
    {
        private GrantSnapshot _snapshot = new(new HashSet<string>(), Capability.None, []);
        private readonly Lock _lock = new();
        private Task? _refresh;

        public GrantSnapshot Snapshot => Volatile.Read(ref _snapshot);

        public DateTimeOffset LoadedAt { get; private set; }

        /// <summary>Keeps <paramref name="snapshot"/>, read from a start at <paramref name="at"/>, unless a later read is already kept.</summary>
        public void Set(GrantSnapshot snapshot, DateTimeOffset at)
        {
            lock (_lock)
            {
                if (at < LoadedAt)
                {
                    return; // an older read finishing late (e.g. one overtaken by a revocation's reload)
                }
                Volatile.Write(ref _snapshot, snapshot);
                LoadedAt = at;
            }
        }

        /// <summary>Re-reads the tenant; callers that come while a read is under way share it.</summary>
        public Task RefreshAsync(GrantGate gate, string tenantId)
        {
            lock (_lock)
            {
                if (_refresh is { IsCompleted: false } running)
                {
                    return running;
                }
                return _refresh = Task.Run(() => gate.ReloadAsync(tenantId, CancellationToken.None)); // off this lock: the reload takes it to keep its result
            }
        }
    }
}
