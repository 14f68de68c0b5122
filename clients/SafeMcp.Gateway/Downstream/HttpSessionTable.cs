using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace SafeMcp.Gateway.Downstream;

/// <summary>The stateful HTTP sessions by <c>Mcp-Session-Id</c>, with a sweeper that ends the idle ones.</summary>
internal sealed partial class HttpSessionTable : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HttpSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxSessions;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;

    public HttpSessionTable(TimeSpan idleTimeout, TimeSpan sweepInterval, int maxSessions, TimeProvider time, ILogger<HttpSessionTable> log)
    {
        _idleTimeout = idleTimeout;
        _maxSessions = maxSessions;
        _time = time;
        _log = log;
        // A short idle timeout is checked often enough to be honoured.
        _sweeper = SweepAsync(sweepInterval < idleTimeout / 2 ? sweepInterval : idleTimeout / 2);
    }

    /// <summary>How many sessions are open.</summary>
    public int Count => _sessions.Count;

    /// <summary>Opens a session on <paramref name="route"/> with a new, unguessable id; null when the table is full.</summary>
    public HttpSession? Open(GatewayRoute route)
    {
        // Checked before opening, so a burst may pass the limit by the requests racing it: a bound, not an exact count.
        if (_sessions.Count >= _maxSessions)
        {
            return null;
        }
        var session = new HttpSession(NewId(), route, _time);
        _sessions[session.Id] = session;
        LogOpened(_log, session.Id, route.Server.Name);
        return session;
    }

    /// <summary>The session <paramref name="id"/> of <paramref name="route"/>; null when there is none (never opened, ended, or another route's).</summary>
    public HttpSession? Find(string id, GatewayRoute route) =>
        _sessions.TryGetValue(id, out var session) && session.Route == route ? session : null;

    /// <summary>Ends the session <paramref name="id"/> of <paramref name="route"/>; false when there is none.</summary>
    public async Task<bool> EndAsync(string id, GatewayRoute route)
    {
        if (Find(id, route) is null || !_sessions.TryRemove(id, out var session))
        {
            return false;
        }
        await session.DisposeAsync().ConfigureAwait(false);
        LogEnded(_log, id, "deleted by the client");
        return true;
    }

    private async Task SweepAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var (id, session) in _sessions)
                {
                    if (session.IsIdle(_idleTimeout) && _sessions.TryRemove(id, out _))
                    {
                        await session.DisposeAsync().ConfigureAwait(false);
                        LogEnded(_log, id, $"idle for more than {_idleTimeout}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP session {SessionId} opened on '{Server}'")]
    private static partial void LogOpened(ILogger log, string sessionId, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP session {SessionId} ended: {Why}")]
    private static partial void LogEnded(ILogger log, string sessionId, string why);
}
