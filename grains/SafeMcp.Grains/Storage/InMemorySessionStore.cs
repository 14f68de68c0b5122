using System.Collections.Concurrent;
using SafeMcp.Contracts;

namespace SafeMcp.Grains.Storage;

/// <summary>A session store in memory, with the same version check as the durable ones: for replays and tests.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Session), Entry> _sessions = new();

    /// <inheritdoc />
    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue((tenantId, sessionId), out var entry) ? entry.Stored : null);

    /// <inheritdoc />
    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        var key = (write.TenantId, write.SessionId);
        lock (_sessions)
        {
            _sessions.TryGetValue(key, out var current);
            if ((current?.Stored.Version ?? 0) != write.ExpectedVersion)
            {
                throw new StaleStateException($"Session {write.SessionId}: version {current?.Stored.Version ?? 0}, the write expected {write.ExpectedVersion}.");
            }
            var definition = write.DefinitionJson ?? current?.Stored.DefinitionJson
                ?? throw new InvalidOperationException("A new session is written with its definition.");
            var decisions = current?.Decisions ?? [];
            if (write.Audit is { } audit)
            {
                decisions = [.. decisions, audit.Decision];
            }
            _sessions[key] = new Entry(new StoredSession(definition, System.Text.Encoding.UTF8.GetString(write.StateUtf8), write.NewVersion), decisions);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Decision> decisions = _sessions.TryGetValue((tenantId, sessionId), out var entry)
            ? entry.Decisions.Where(d => d.Sequence > afterSequence).Take(limit).ToArray()
            : [];
        return Task.FromResult(decisions);
    }

    private sealed record Entry(StoredSession Stored, IReadOnlyList<Decision> Decisions);
}
