using System.Collections.Concurrent;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Defenses.Registry;

/// <summary>
/// Tool pinning per tenant and server (SAFE-T1201 rug pull, SAFE-T1205 persistent redefinition). When a session opens,
/// every tool's definition hash is compared with its pin: a new tool, a changed one, or one that was removed and comes
/// back is quarantined, and withheld from every session of that server until an admin approves it. Pins are kept in
/// memory; a copy older than <see cref="RegistryOptions.RefreshInterval"/> is re-read before it is used (one read shared
/// by the decisions waiting on it), so an approval or quarantine stored through another silo applies to every decision
/// that starts more than that interval after it, and a decision waits on the database at most once an interval a server.
/// </summary>
public sealed class ToolRegistry(IToolRegistryStore store, RegistryOptions options, TimeProvider time) : IToolGate
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "registry";

    /// <summary>The server name of sessions that do not name one.</summary>
    public const string DefaultServer = SessionKeys.DefaultServer;

    private readonly ConcurrentDictionary<(string Tenant, string Server), ServerPins> _servers = new();

    /// <inheritdoc />
    string IToolGate.Layer => Layer;

    /// <inheritdoc />
    public async ValueTask ObserveAsync(SessionState session, string server, CancellationToken cancellationToken)
    {
        var pins = await GetFreshAsync(session.TenantId, server, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await pins.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var changes = Changes(session, server, pins.Tools, now);
            if (changes.Count > 0)
            {
                // About to write: compare with the stored pins rather than a copy up to RefreshInterval old, so a silo does
                // not write over what another silo stored meanwhile (e.g. trust on first sight a tool already quarantined).
                pins.Load(await store.LoadServerAsync(session.TenantId, server, cancellationToken).ConfigureAwait(false), now);
                changes = Changes(session, server, pins.Tools, now);
            }
            if (changes.Count > 0)
            {
                await store.SaveAsync(changes, cancellationToken).ConfigureAwait(false);
                pins.Replace(changes);
            }
        }
        finally
        {
            pins.Gate.Release();
        }
    }

    /// <summary>The pins that <paramref name="server"/>'s slice of <paramref name="session"/>'s tools changes, given the <paramref name="current"/> pins of that server.</summary>
    private List<ToolPin> Changes(SessionState session, string server, IReadOnlyDictionary<string, ToolPin> current, DateTimeOffset now)
    {
        // A named server's tool list is its whole list: a tool new to it, or gone from it, means something. Sessions
        // that name no server (the server 'default') share one namespace across whatever servers the tenant runs, each
        // with its own subset of tools, so there a tool is pinned when first seen and only a changed definition is a rug pull.
        var named = server != DefaultServer;
        var firstSight = (current.Count == 0 || !named) && !options.QuarantineFirstSight;
        var changes = new List<ToolPin>();
        foreach (var tool in session.Tools.Of(server))
        {
            var hash = ToolFingerprint.Of(tool.Descriptor);
            current.TryGetValue(tool.Name, out var pin);
            var next = Next(session.TenantId, server, tool.Descriptor, hash, pin, firstSight, now);
            if (next is not null)
            {
                changes.Add(next);
            }
        }
        foreach (var pin in named ? current.Values : [])
        {
            if (pin.Status != PinStatus.Removed && !session.Tools.Contains(new ToolKey(server, pin.Tool)))
            {
                changes.Add(pin with { Status = PinStatus.Removed, Reason = null, UpdatedAt = now });
            }
        }
        return changes;
    }

    private static ToolPin? Next(string tenantId, string server, ToolDescriptor tool, string hash, ToolPin? pin, bool firstSight, DateTimeOffset now)
    {
        if (pin is null)
        {
            return firstSight
                ? new ToolPin(tenantId, server, tool.Name, PinStatus.Approved, null, hash, hash, ToolFingerprint.DefinitionJson(tool), now)
                : new ToolPin(tenantId, server, tool.Name, PinStatus.Quarantined, QuarantineReason.New, null, hash, ToolFingerprint.DefinitionJson(tool), now);
        }
        return pin.Status switch
        {
            PinStatus.Approved when pin.ApprovedHash == hash => null,
            PinStatus.Approved => pin with { Status = PinStatus.Quarantined, Reason = QuarantineReason.Changed, ObservedHash = hash, DefinitionJson = ToolFingerprint.DefinitionJson(tool), UpdatedAt = now },
            PinStatus.Removed => pin with { Status = PinStatus.Quarantined, Reason = QuarantineReason.ReAdded, ObservedHash = hash, DefinitionJson = ToolFingerprint.DefinitionJson(tool), UpdatedAt = now },
            _ when pin.ObservedHash == hash => null,
            _ => pin with { Reason = pin.ApprovedHash is null ? QuarantineReason.New : QuarantineReason.Changed, ObservedHash = hash, DefinitionJson = ToolFingerprint.DefinitionJson(tool), UpdatedAt = now },
        };
    }

    /// <inheritdoc />
    public async ValueTask ApplyAsync(SessionState session, DateTimeOffset now, List<WithheldTool> gated, CancellationToken cancellationToken)
    {
        foreach (var server in session.Tools.Servers)
        {
            await ApplyAsync(session, server, now, gated, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask ApplyAsync(SessionState session, string server, DateTimeOffset now, List<WithheldTool> gated, CancellationToken cancellationToken)
    {
        var pins = await GetFreshAsync(session.TenantId, server, now, cancellationToken).ConfigureAwait(false);
        if (pins.Tools.Count == 0)
        {
            // A session opened before its server was ever pinned (e.g. stored before the registry existed): first sight.
            await ObserveAsync(session, server, cancellationToken).ConfigureAwait(false);
        }
        var tools = pins.Tools;
        foreach (var tool in session.Tools.Of(server))
        {
            var hash = ToolFingerprint.Of(tool.Descriptor);
            if (!tools.TryGetValue(tool.Name, out var pin))
            {
                gated.Add(new WithheldTool(tool.Name, $"[{Layer}] '{tool.Name}' is not in the registry of server '{server}'.", [Techniques.PersistentToolRedefinition, Techniques.ToolRegistryVerification], server));
            }
            else if (pin.Status != PinStatus.Approved || pin.ApprovedHash != hash)
            {
                var reason = pin.Reason ?? (pin.ApprovedHash != hash ? QuarantineReason.Changed : pin.Status);
                var technique = reason == QuarantineReason.Changed ? Techniques.RugPull : Techniques.PersistentToolRedefinition;
                gated.Add(new WithheldTool(tool.Name,
                    $"[{Layer}] '{tool.Name}' of server '{server}' is quarantined ({reason}) until an admin approves it.",
                    [technique, Techniques.ToolPinning, Techniques.DescriptionIntegrity], server));
            }
        }
    }

    /// <summary>Approves the observed definition of a tool; <paramref name="expectedHash"/>, when given, must match it.</summary>
    public async Task<ToolPin> ApproveAsync(string tenantId, string server, string tool, string? expectedHash, CancellationToken cancellationToken)
    {
        var pins = await GetAsync(tenantId, server, cancellationToken, reload: true).ConfigureAwait(false);
        await pins.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!pins.Tools.TryGetValue(tool, out var pin))
            {
                throw new DefenseRequestException(DefenseErrorKind.NotFound, "unknown_tool", $"Server '{server}' has no tool '{tool}' in the registry.");
            }
            if (expectedHash is not null && !string.Equals(expectedHash, pin.ObservedHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new DefenseRequestException(DefenseErrorKind.Conflict, "hash_mismatch", $"'{tool}' was seen with hash {pin.ObservedHash}, not {expectedHash}: review it again.");
            }
            if (pin.Status == PinStatus.Removed)
            {
                throw new DefenseRequestException(DefenseErrorKind.Conflict, "tool_removed", $"'{tool}' is no longer offered by server '{server}'.");
            }
            var approved = pin with { Status = PinStatus.Approved, Reason = null, ApprovedHash = pin.ObservedHash, UpdatedAt = time.GetUtcNow() };
            await store.SaveAsync([approved], cancellationToken).ConfigureAwait(false);
            pins.Replace([approved]);
            return approved;
        }
        finally
        {
            pins.Gate.Release();
        }
    }

    /// <summary>The server's pins, re-read first when the copy in memory is older than the refresh interval.</summary>
    private async ValueTask<ServerPins> GetFreshAsync(string tenantId, string server, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pins = await GetAsync(tenantId, server, cancellationToken).ConfigureAwait(false);
        if (now - pins.LoadedAt > options.RefreshInterval)
        {
            await pins.RefreshAsync(() => store.LoadServerAsync(tenantId, server, CancellationToken.None), time).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return pins;
    }

    private async ValueTask<ServerPins> GetAsync(string tenantId, string server, CancellationToken cancellationToken, bool reload = false)
    {
        if (!reload && _servers.TryGetValue((tenantId, server), out var cached))
        {
            return cached;
        }
        var at = time.GetUtcNow(); // the read reflects every change stored before it started
        var loaded = await store.LoadServerAsync(tenantId, server, cancellationToken).ConfigureAwait(false);
        var pins = _servers.GetOrAdd((tenantId, server), _ => new ServerPins());
        pins.Load(loaded, at);
        return pins;
    }

    /// <summary>One server's pins: an immutable map swapped on change, so readers never lock.</summary>
    private sealed class ServerPins
    {
        private Dictionary<string, ToolPin> _tools = new(StringComparer.Ordinal);
        private readonly Lock _refreshLock = new();
        private Task? _refresh;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DateTimeOffset LoadedAt { get; private set; }

        public IReadOnlyDictionary<string, ToolPin> Tools => Volatile.Read(ref _tools);

        public void Load(IReadOnlyList<ToolPin> pins, DateTimeOffset at)
        {
            Volatile.Write(ref _tools, pins.ToDictionary(p => p.Tool, StringComparer.Ordinal));
            LoadedAt = at;
        }

        public void Replace(IReadOnlyList<ToolPin> changed)
        {
            var next = new Dictionary<string, ToolPin>(Tools, StringComparer.Ordinal);
            foreach (var pin in changed)
            {
                next[pin.Tool] = pin;
            }
            Volatile.Write(ref _tools, next);
        }

        /// <summary>Re-reads the pins; callers that come while a read is under way share it.</summary>
        public Task RefreshAsync(Func<Task<IReadOnlyList<ToolPin>>> load, TimeProvider time)
        {
            lock (_refreshLock)
            {
                if (_refresh is { IsCompleted: false } running)
                {
                    return running;
                }
                return _refresh = RunAsync();
            }

            async Task RunAsync()
            {
                // Under the gate, so an observation or approval of this silo is never overwritten by an older read.
                await Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    var at = time.GetUtcNow(); // the read reflects every change stored before it started
                    Load(await load().ConfigureAwait(false), at);
                }
                finally
                {
                    Gate.Release();
                }
            }
        }
    }
}
