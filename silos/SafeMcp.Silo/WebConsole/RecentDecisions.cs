using System.Collections.Concurrent;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.WebConsole;

/// <summary>
/// The last decisions this silo answered, per tenant, for the web console's live view: a bounded ring in memory
/// (the audit log stays the record; this is only what the console shows without reading it).
/// </summary>
internal sealed class RecentDecisions
{
    /// <summary>Decisions kept per tenant.</summary>
    public const int Capacity = 2000;

    private readonly ConcurrentDictionary<string, TenantRing> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Session), string> _servers = new();

    /// <summary>Notes the server a session's tools come from (bounded with the ring: the oldest go first).</summary>
    public void Opened(string tenantId, string sessionId, string? server)
    {
        if (_servers.Count >= Capacity * 4)
        {
            _servers.Clear(); // a console aid: forgetting old sessions' servers is harmless
        }
        _servers[(tenantId, sessionId)] = server ?? "default";
    }

    /// <summary>Keeps <paramref name="decision"/> as the tenant's newest.</summary>
    public void Add(string tenantId, Decision decision)
    {
        var server = _servers.TryGetValue((tenantId, decision.SessionId), out var name) ? name : "default";
        _tenants.GetOrAdd(tenantId, _ => new TenantRing()).Add(new ConsoleDecision(server, decision));
    }

    /// <summary>The tenant's kept decisions, newest first, that match every filter given.</summary>
    public IReadOnlyList<ConsoleDecision> Find(string tenantId, string? verdict, string? layer, string? technique, string? server, string? sessionId, int limit)
    {
        if (!_tenants.TryGetValue(tenantId, out var ring))
        {
            return [];
        }
        return ring.Snapshot()
            .Where(d => verdict is null || string.Equals(VerdictName(d.Decision.Verdict), verdict, StringComparison.Ordinal))
            .Where(d => layer is null || d.Decision.DecidedBy.Contains(layer, StringComparer.Ordinal))
            .Where(d => technique is null || d.Decision.Techniques.Contains(technique, StringComparer.Ordinal))
            .Where(d => server is null || string.Equals(d.Server, server, StringComparison.Ordinal))
            .Where(d => sessionId is null || string.Equals(d.Decision.SessionId, sessionId, StringComparison.Ordinal))
            .Take(limit)
            .ToArray();
    }

    /// <summary>The verdict as the API writes it.</summary>
    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.RequireApproval => "require_approval",
        Verdict.Deny => "deny",
        _ => verdict.ToString(),
    };

    private sealed class TenantRing
    {
        private readonly ConsoleDecision[] _items = new ConsoleDecision[Capacity];
        private readonly Lock _gate = new();
        private long _count;

        public void Add(ConsoleDecision item)
        {
            lock (_gate)
            {
                _items[_count % Capacity] = item;
                _count++;
            }
        }

        public ConsoleDecision[] Snapshot()
        {
            lock (_gate)
            {
                var kept = (int)Math.Min(_count, Capacity);
                var result = new ConsoleDecision[kept];
                for (var i = 0; i < kept; i++)
                {
                    result[i] = _items[(_count - 1 - i) % Capacity];
                }
                return result;
            }
        }
    }
}
