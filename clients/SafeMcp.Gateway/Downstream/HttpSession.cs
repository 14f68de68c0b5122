using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// One stateful Streamable HTTP session: its transport and server live from <c>initialize</c> until DELETE, idle
/// expiry or shutdown, and its server is live in the route (it hears the upstream's notifications on its GET stream).
/// </summary>
internal sealed class HttpSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly IAsyncDisposable _live;
    private readonly Task _run;
    private readonly TimeProvider _time;
    private long _lastUsed;
    private int _active;
    private int _disposed;

    public HttpSession(string id, GatewayRoute route, TimeProvider time)
    {
        Id = id;
        Route = route;
        _time = time;
        _lastUsed = time.GetTimestamp();
        var loggers = route.Services.GetRequiredService<ILoggerFactory>();
        Transport = new StreamableHttpServerTransport(loggers) { SessionId = id };
        Server = McpServer.Create(Transport, route.ServerOptions, loggers, route.Services);
        _live = route.Track(Server);
        _run = Server.RunAsync(_lifetime.Token);
    }

    /// <summary>The <c>Mcp-Session-Id</c>.</summary>
    public string Id { get; }

    /// <summary>The route (upstream server) the session was opened on.</summary>
    public GatewayRoute Route { get; }

    public StreamableHttpServerTransport Transport { get; }

    public McpServer Server { get; }

    /// <summary>Ends when the session does: an open GET stream closes with it.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Marks the session in use (a POST being answered, a GET stream open) until the handle is disposed.</summary>
    public IDisposable Use()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        return new Lease(this);
    }

    /// <summary>True when nothing uses the session and nothing did for <paramref name="timeout"/>.</summary>
    public bool IsIdle(TimeSpan timeout) =>
        Volatile.Read(ref _active) == 0 && _time.GetElapsedTime(Interlocked.Read(ref _lastUsed)) > timeout;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The session is over: so is its server.
        }
        await _live.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private sealed class Lease(HttpSession session) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Exchange(ref session._lastUsed, session._time.GetTimestamp());
                Interlocked.Decrement(ref session._active);
            }
        }
    }
}
