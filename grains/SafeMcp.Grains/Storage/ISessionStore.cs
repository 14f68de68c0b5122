using SafeMcp.Contracts;

namespace SafeMcp.Grains.Storage;

/// <summary>Where session state and decisions are kept. Implemented by the silo (SQLite, PostgreSQL).</summary>
public interface ISessionStore
{
    /// <summary>Loads a session with its latest <paramref name="recentCalls"/> decided calls, or null when it was never opened.</summary>
    Task<StoredSession?> LoadAsync(string tenantId, string sessionId, int recentCalls, CancellationToken cancellationToken);

    /// <summary>
    /// Commits a write durably; returns only once it is committed. Throws <see cref="StaleStateException"/>
    /// when the stored version (or lease epoch) is not the one the write expects.
    /// </summary>
    Task CommitAsync(SessionWrite write, CancellationToken cancellationToken);

    /// <summary>Decisions of a session with sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<Decision>> ReadDecisionsAsync(string tenantId, string sessionId, long afterSequence, int limit, CancellationToken cancellationToken);
}
