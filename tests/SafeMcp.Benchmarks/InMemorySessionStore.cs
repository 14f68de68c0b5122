using System.Collections.Concurrent;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Benchmarks;

/// <summary>A store that keeps the last write per session in memory: isolates the grain's own cost.</summary>
internal sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<(string, string), StoredSession> _sessions = new();

    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue((tenantId, sessionId), out var s) ? s : null);

    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        var definition = write.DefinitionJson ?? _sessions[(write.TenantId, write.SessionId)].DefinitionJson;
        _sessions[(write.TenantId, write.SessionId)] = new StoredSession(definition, write.StateJson, write.NewVersion);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Decision>>([]);
}
