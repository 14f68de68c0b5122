using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Defenses.Tests.Support;

/// <summary>Session storage in memory, for grain-level tests of the decision path.</summary>
internal sealed class MemorySessionStore : ISessionStore
{
    private readonly Dictionary<(string, string), StoredSession> _sessions = [];

    public List<AuditRecord> Decisions { get; } = [];

    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.GetValueOrDefault((tenantId, sessionId)));

    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        var key = (write.TenantId, write.SessionId);
        var definition = write.DefinitionJson ?? _sessions.GetValueOrDefault(key)?.DefinitionJson ?? "{}";
        _sessions[key] = new StoredSession(definition, write.StateJson, write.NewVersion);
        if (write.Audit is { } audit)
        {
            Decisions.Add(audit);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Decision>>(Decisions.Select(d => d.Decision).Where(d => d.Sequence > afterSequence).Take(limit).ToArray());
}
