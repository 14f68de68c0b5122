using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>
/// A tenant-level gate on a session's tools (registry quarantine, just-in-time grants). Unlike an
/// <see cref="IVisibilityRule"/>, what a gate withholds is not written into the session: it is asked again at every
/// view and decision, so an approval, a grant or a grant's expiry takes effect at once. Gates answer from memory.
/// </summary>
public interface IToolGate
{
    /// <summary>The layer name decisions give this gate.</summary>
    string Layer { get; }

    /// <summary>Takes note of <paramref name="server"/>'s slice of a session's tools when it is opened or changes (e.g. pins or quarantines tools).</summary>
    ValueTask ObserveAsync(SessionState session, string server, CancellationToken cancellationToken);

    /// <summary>Appends the tools of <paramref name="session"/> this gate holds back at <paramref name="now"/>.</summary>
    ValueTask ApplyAsync(SessionState session, DateTimeOffset now, List<WithheldTool> gated, CancellationToken cancellationToken);
}
