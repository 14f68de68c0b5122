using ModelContextProtocol.Protocol;
using SafeMcp.Client.Mcp.Gates;

namespace SafeMcp.Client.Mcp;

/// <summary>
/// The sessions a hooked server serves, for hosts whose tools change at run time (e.g. a gateway whose
/// upstream server announced <c>tools/list_changed</c>). Resolve it from the server's services.
/// </summary>
public sealed class SafeMcpSessions
{
    private readonly SafeMcpHook _hook;
    private readonly SessionSync _sync;

    internal SafeMcpSessions(SafeMcpHook hook, SessionSync sync)
    {
        _hook = hook;
        _sync = sync;
    }

    /// <summary>
    /// Sends the new definitions of the server's tools to the cluster for every session this server opened,
    /// so that the cluster judges the next calls (and re-pins the tools) with what the client will see.
    /// A session the cluster cannot be reached for is opened again before its next decision.
    /// </summary>
    /// <returns>How many sessions were refreshed.</returns>
    public async Task<int> RefreshToolsAsync(IReadOnlyList<Tool> tools, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        // Every session first counts as not open: a call racing the refresh opens its session itself,
        // with the new tools, instead of being decided against the old definitions.
        var sessions = _hook.Sessions.CloseAll();
        var refreshed = 0;
        foreach (var session in sessions)
        {
            try
            {
                await _sync.OpenAsync(session, tools, cancellationToken).ConfigureAwait(false);
                refreshed++;
            }
            catch (SafeMcpException)
            {
                // Left closed: the next call of the session opens it (or fails closed).
            }
        }
        return refreshed;
    }
}
