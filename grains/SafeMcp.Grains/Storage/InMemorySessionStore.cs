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
        return Task.FromResult<StoredSession?>(new StoredSession(entry.DefinitionJson, entry.StateJson, entry.Version,
            entry.Audit.TakeLast(recentCalls).Select(row => row.Call).ToArray()));
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
            var rows = current?.Audit ?? [];
            if (write.Audit is { } audit)
            {
                var d = audit.Decision;
                rows = [.. rows, new AuditRow(d, new StoredCall(d.Sequence, d.Tool, d.Verdict, audit.ArgumentsJson, null, d.Server ?? SessionKeys.DefaultServer))];
            }
            if (write.Outcome is { } outcome)
            {
                rows = [.. rows.Select(row => row.Call.Sequence == outcome.Sequence
                    ? row with { Call = row.Call with { ObservationExcerpt = outcome.ObservationExcerpt } }
                    : row)];
            }
            _sessions[key] = new Entry(definition, System.Text.Encoding.UTF8.GetString(write.StateUtf8), write.NewVersion, rows);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Decision> decisions = _sessions.TryGetValue((tenantId, sessionId), out var entry)
            ? entry.Audit.Select(row => row.Decision).Where(d => d.Sequence > afterSequence).Take(limit).ToArray()
            : [];
        return Task.FromResult(decisions);
    }

    private sealed record Entry(string DefinitionJson, string StateJson, long Version, IReadOnlyList<AuditRow> Audit);

    /// <summary>A decision as its audit row keeps it: the decision, and the call the session's history is rebuilt from.</summary>
    private sealed record AuditRow(Decision Decision, StoredCall Call);
}
