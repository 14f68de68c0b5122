using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// The agents' MCP sessions one route serves: the live ones (stdio, stateful HTTP) that notifications from the
/// upstream are pushed to, the resources each subscribed to, and the requests in flight to the upstream, which
/// say whose client an upstream's own request (sampling, elicitation, roots) belongs to.
/// </summary>
internal sealed partial class DownstreamClients : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<McpServer, HashSet<string>> _live = [];
    private readonly Dictionary<McpServer, int> _inFlight = [];
    private readonly Channel<(JsonRpcNotification Notification, string? Uri)> _outbox = Channel.CreateUnbounded<(JsonRpcNotification, string?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger<DownstreamClients> _logger;
    private readonly TimeSpan _sendTimeout;
    private readonly Task _pump;

    public DownstreamClients(TimeSpan sendTimeout, ILogger<DownstreamClients> logger)
    {
        _sendTimeout = sendTimeout;
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>
    /// Queues <paramref name="notification"/> for every live session (for those subscribed to <paramref name="uri"/> when given).
    /// Queued, so the upstream's message loop never waits on a slow client; one queue, so the order is kept.
    /// </summary>
    public void Post(JsonRpcNotification notification, string? uri = null) => _outbox.Writer.TryWrite((notification, uri));

    /// <summary>Counts <paramref name="server"/> as live until the returned handle is disposed; its subscriptions end with it.</summary>
    /// <param name="server">The session's server.</param>
    /// <param name="orphaned">Runs for each resource nobody subscribes to any more once the session ends.</param>
    public IAsyncDisposable Track(McpServer server, Func<string, Task> orphaned)
    {
        lock (_lock)
        {
            _live[server] = new HashSet<string>(StringComparer.Ordinal);
        }
        return new Tracked(this, server, orphaned);
    }

    /// <summary>Marks a request of <paramref name="server"/> as being served by the upstream until the handle is disposed.</summary>
    public IDisposable Enter(McpServer server)
    {
        lock (_lock)
        {
            _inFlight[server] = _inFlight.GetValueOrDefault(server) + 1;
        }
        return new InFlight(this, server);
    }

    /// <summary>
    /// The client an upstream's request is meant for: the one whose request is in flight to the upstream, else the
    /// only live session. Null when that is not a single client: forwarding to a guess could leak one agent's
    /// request to another, so the gateway refuses instead.
    /// </summary>
    public McpServer? Requester()
    {
        lock (_lock)
        {
            if (_inFlight.Count == 1)
            {
                return _inFlight.Keys.Single();
            }
            return _inFlight.Count == 0 && _live.Count == 1 ? _live.Keys.Single() : null;
        }
    }

    /// <summary>
    /// Records a subscription; true when it is the first to <paramref name="uri"/> (the upstream must be asked),
    /// null when <paramref name="server"/> is not a live session (a stateless request cannot be told of updates).
    /// </summary>
    public bool? Subscribe(McpServer server, string uri)
    {
        lock (_lock)
        {
            if (!_live.TryGetValue(Live(server), out var uris))
            {
                return null;
            }
            var first = !_live.Values.Any(s => s.Contains(uri));
            uris.Add(uri);
            return first;
        }
    }

    /// <summary>Ends a subscription; true when nobody subscribes to <paramref name="uri"/> any more (the upstream can be told).</summary>
    public bool Unsubscribe(McpServer server, string uri)
    {
        lock (_lock)
        {
            return _live.TryGetValue(Live(server), out var uris) && uris.Remove(uri) && !_live.Values.Any(s => s.Contains(uri));
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var (notification, uri) in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await BroadcastAsync(notification, uri).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task BroadcastAsync(JsonRpcNotification notification, string? uri)
    {
        McpServer[] targets;
        lock (_lock)
        {
            targets = [.. _live.Where(l => uri is null || l.Value.Contains(uri)).Select(l => l.Key)];
        }
        foreach (var server in targets)
        {
            using var timeout = new CancellationTokenSource(_sendTimeout);
            try
            {
                await server.SendMessageAsync(new JsonRpcNotification { Method = notification.Method, Params = notification.Params?.DeepClone() }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is McpException or InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // One client gone (or without an event stream) does not keep the others from hearing it.
                LogNotDelivered(_logger, notification.Method, server.SessionId, e.Message);
            }
        }
    }

    // A request's server (RequestContext.Server) is a view of the session's server bound to that request: it is
    // found by its session id (HTTP), or is the one session without an id (stdio: one process, one session).
    private McpServer Live(McpServer server)
    {
        if (_live.ContainsKey(server))
        {
            return server;
        }
        var candidates = _live.Keys.Where(s => s.SessionId == server.SessionId).Take(2).ToArray();
        return candidates.Length == 1 ? candidates[0] : server;
    }

    private async ValueTask EndAsync(McpServer server, Func<string, Task> orphaned)
    {
        string[] released;
        lock (_lock)
        {
            if (!_live.Remove(server, out var uris))
            {
                return;
            }
            released = [.. uris.Where(u => !_live.Values.Any(s => s.Contains(u)))];
        }
        foreach (var uri in released)
        {
            await orphaned(uri).ConfigureAwait(false);
        }
    }

    private void Leave(McpServer server)
    {
        lock (_lock)
        {
            if (_inFlight.TryGetValue(server, out var count) && count > 1)
            {
                _inFlight[server] = count - 1;
            }
            else
            {
                _inFlight.Remove(server);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} not delivered to downstream session {SessionId}: {Problem}")]
    private static partial void LogNotDelivered(ILogger logger, string method, string? sessionId, string problem);

    private sealed class Tracked(DownstreamClients clients, McpServer server, Func<string, Task> orphaned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => clients.EndAsync(server, orphaned);
    }

    private sealed class InFlight(DownstreamClients clients, McpServer server) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                clients.Leave(server);
            }
        }
    }
}
