using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Grains.Tests;

/// <summary>Keeps writes in memory, checking versions like the real stores, so grain logic is tested as a plain object.</summary>
internal sealed class MemorySessionStore : ISessionStore
{
    private readonly Dictionary<(string, string), StoredSession> _sessions = [];
    private readonly List<Decision> _decisions = [];

    public List<SessionWrite> Writes { get; } = [];

    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue((tenantId, sessionId), out var s) ? s : null);

    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        var key = (write.TenantId, write.SessionId);
        var current = _sessions.TryGetValue(key, out var s) ? s.Version : 0;
        if (current != write.ExpectedVersion)
        {
            throw new StaleStateException("stale");
        }
        _sessions[key] = new StoredSession(write.DefinitionJson ?? s!.DefinitionJson, write.StateJson, write.NewVersion);
        if (write.Audit is { } audit)
        {
            _decisions.Add(audit.Decision);
        }
        Writes.Add(write);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Decision>>(_decisions.Where(d => d.SessionId == sessionId && d.Sequence > afterSequence).Take(limit).ToArray());
}
