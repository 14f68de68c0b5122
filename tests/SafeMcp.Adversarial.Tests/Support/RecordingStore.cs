using System.Collections.Concurrent;
using System.Text;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;

namespace SafeMcp.Adversarial.Tests.Support;

/// <summary>A session store in memory that keeps every write, so a case can look at exactly what would be stored.</summary>
internal sealed class RecordingStore : ISessionStore
{
    private readonly InMemorySessionStore _inner = new();

    public ConcurrentQueue<SessionWrite> Writes { get; } = new();

    /// <summary>Everything written: audit arguments and thoughts, observation excerpts, state and definition documents.</summary>
    public string Everything() => string.Join("\n", Writes.Select(write =>
        $"{write.Audit?.ArgumentsJson}\n{write.Audit?.Thought}\n{string.Join(" ", write.Audit?.Decision.Reasons ?? [])}\n{write.Outcome?.ObservationExcerpt}\n{Encoding.UTF8.GetString(write.StateUtf8)}"));

    public Task<StoredSession?> LoadAsync(string tenantId, string sessionId, int recentCalls, CancellationToken cancellationToken) =>
        _inner.LoadAsync(tenantId, sessionId, recentCalls, cancellationToken);

    public async Task CommitAsync(SessionWrite write, CancellationToken cancellationToken)
    {
        await _inner.CommitAsync(write, cancellationToken);
        Writes.Enqueue(write);
    }

    public Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        _inner.ReadDecisionsAsync(tenantId, sessionId, afterSequence, limit, cancellationToken);
}
