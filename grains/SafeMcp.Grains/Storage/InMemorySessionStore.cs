using System.Collections.Concurrent;
using SafeMcp.Contracts;

namespace SafeMcp.Grains.Storage;

/// <summary>A session store in memory, with the same version check as the durable ones: for replays and tests.</summary>
public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Session), Entry> _sessions = new();

    /// <inheritdoc />
    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, int recentCalls, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recentCalls);
        if (!_sessions.TryGetValue((tenantId, sessionId), out var entry))
        {
            return Task.FromResult<StoredSession?>(null);
        }
        return Task.FromResult<StoredSession?>(new StoredSession(entry.DefinitionJson, entry.StateJson, entry.Version, entry.Calls.TakeLast(recentCalls).ToArray()));
    }

    /// <inheritdoc />
    public Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        var key = (write.TenantId, write.SessionId);
        lock (_sessions)
        {
            _sessions.TryGetValue(key, out var current);
            if ((current?.Version ?? 0) != write.ExpectedVersion)
            {
                throw new StaleStateException($"Session {write.SessionId}: version {current?.Version ?? 0}, the write expected {write.ExpectedVersion}.");
            }
            var definition = write.DefinitionJson ?? current?.DefinitionJson
                ?? throw new InvalidOperationException("A new session is written with its definition.");
            var decisions = current?.Decisions ?? [];
            var calls = current?.Calls ?? [];
            if (write.Audit is { } audit)
            {
                decisions = [.. decisions, audit.Decision];
                calls = [.. calls, new StoredCall(audit.Decision.Sequence, audit.Decision.Tool, audit.Decision.Verdict, audit.ArgumentsJson, null)];
            }
            if (write.Outcome is { } outcome)
            {
                calls = [.. calls.Select(call => call.Sequence == outcome.Sequence ? call with { ObservationExcerpt = outcome.ObservationExcerpt } : call)];
            }
            _sessions[key] = new Entry(definition, System.Text.Encoding.UTF8.GetString(write.StateUtf8), write.NewVersion, decisions, calls);
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

    private sealed record Entry(string DefinitionJson, string StateJson, long Version, IReadOnlyList<Decision> Decisions, IReadOnlyList<StoredCall> Calls);
}
