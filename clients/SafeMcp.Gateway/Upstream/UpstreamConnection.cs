using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Downstream;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// The gateway's link to one upstream server, shared by every endpoint that fronts it. An upstream that cannot be
/// reached does not stop the gateway: it is reported, retried with a doubling delay, and offers no tools until it
/// answers; one that goes away later is reconnected the same way.
/// </summary>
internal sealed partial class UpstreamConnection : IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly IReadOnlySet<string> _secretVariables;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile McpClient? _client;
    private volatile IReadOnlyList<Tool> _tools = [];
    private Task _run = Task.CompletedTask;
    private long _toolsVersion;

    public UpstreamConnection(UpstreamServerConfig server, GatewayOptions options, IReadOnlySet<string> secretVariables, ILoggerFactory loggers)
    {
        Server = server;
        _options = options;
        _loggers = new ExpectedFailureLoggers(loggers);
        _secretVariables = secretVariables;
        _log = loggers.CreateLogger<UpstreamConnection>();
        Downstream = new DownstreamClients(options.NotificationSendTimeout, loggers.CreateLogger<DownstreamClients>());
    }

    /// <summary>The upstream's configuration.</summary>
    public UpstreamServerConfig Server { get; }

    /// <summary>The agents' sessions this upstream's notifications and requests go to.</summary>
    public DownstreamClients Downstream { get; }

    /// <summary>The client of the upstream; null while it cannot be reached.</summary>
    public McpClient? Client => _client;

    /// <summary>The upstream's tool definitions as it lists them; empty while it cannot be reached.</summary>
    public IReadOnlyList<Tool> Tools => _tools;

    /// <summary>Counts the changes of <see cref="Tools"/>: a session's slice opened at another version is opened again.</summary>
    public long ToolsVersion => Interlocked.Read(ref _toolsVersion);

    /// <summary>Raised after the upstream's tools changed (read again, or gone with the upstream).</summary>
    public event Func<Task>? Changed;

    /// <summary>The client, or the error a request gets while the upstream cannot be reached.</summary>
    public McpClient Require() =>
        _client ?? throw new McpProtocolException($"The upstream server '{Server.Name}' cannot be reached now; the gateway keeps retrying.", McpErrorCode.InternalError);

    /// <summary>Starts connecting in the background; the returned task ends after the first attempt, whatever its outcome.</summary>
    public Task StartAsync()
    {
        _run = Task.Run(() => RunAsync(_stop.Token));
        return _firstAttempt.Task;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = _options.UpstreamRetryDelay;
        while (!stop.IsCancellationRequested)
        {
            McpClient? client = null;
            try
            {
                client = await UpstreamConnector.ConnectAsync(Server, _options, _loggers, new UpstreamRelay(Downstream), OnToolsChanged, _secretVariables, stop).ConfigureAwait(false);
                _client = client;
                await LoadToolsAsync(stop).ConfigureAwait(false);
                LogConnected(Server.Name, _tools.Count);
                _firstAttempt.TrySetResult();
                delay = _options.UpstreamRetryDelay;
                await client.Completion.WaitAsync(stop).ConfigureAwait(false);
                LogLost(Server.Name);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is UpstreamUnreachableException or McpException or IOException or TimeoutException or InvalidOperationException)
            {
                // An expected condition (a server not started yet, a wrong URL): one line, no stack trace.
                LogUnreachable(Server.Name, e.Message, delay);
            }
            finally
            {
                _firstAttempt.TrySetResult();
            }
            await ForgetAsync(client).ConfigureAwait(false);
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = delay * 2 < _options.UpstreamRetryMaxDelay ? delay * 2 : _options.UpstreamRetryMaxDelay;
        }
    }

    private async Task ForgetAsync(McpClient? client)
    {
        _client = null;
        if (_tools.Count > 0)
        {
            _tools = [];
            Interlocked.Increment(ref _toolsVersion);
            await RaiseChangedAsync().ConfigureAwait(false);
        }
        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task LoadToolsAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = Require();
            _tools = [.. (await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Select(t => t.ProtocolTool)];
            Interlocked.Increment(ref _toolsVersion);
            LogLoaded(Server.Name, _tools.Count, string.Join(", ", _tools.Select(t => t.Name)));
        }
        finally
        {
            _reload.Release();
        }
        await RaiseChangedAsync().ConfigureAwait(false);
    }

    // The reload runs apart from the upstream's message loop, which must stay free to carry the tools/list answer.
    private void OnToolsChanged() => _ = Task.Run(async () =>
    {
        try
        {
            LogUpstreamChanged(Server.Name);
            await LoadToolsAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is McpException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            LogReloadFailed(Server.Name, e.Message);
        }
    });

    /// <summary>Ends the upstream's subscription to <paramref name="uri"/> (nobody downstream needs it any more).</summary>
    public async Task UnsubscribeAsync(string uri)
    {
        if (_client is not { } client)
        {
            return;
        }
        try
        {
            await client.UnsubscribeFromResourceAsync(new UnsubscribeRequestParams { Uri = uri }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is McpException or IOException or ObjectDisposedException)
        {
            LogUnsubscribeFailed(Server.Name, uri, e.Message);
        }
    }

    private async Task RaiseChangedAsync()
    {
        if (Changed is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<Task>>())
            {
                await handler().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        if (_client is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        await Downstream.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream '{Server}': unsubscribing from {Uri} failed: {Problem}")]
    private partial void LogUnsubscribeFailed(string server, string uri, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream '{Server}' connected ({Count} tools)")]
    private partial void LogConnected(string server, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream '{Server}' went away; reconnecting")]
    private partial void LogLost(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream '{Server}' cannot be reached ({Problem}); its tools are absent, next attempt in {Delay}")]
    private partial void LogUnreachable(string server, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream '{Server}' tools loaded ({Count}): {Names}")]
    private partial void LogLoaded(string server, int count, string names);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream '{Server}' announced tools/list_changed; reloading its tools")]
    private partial void LogUpstreamChanged(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream '{Server}': its tools could not be read again: {Problem}")]
    private partial void LogReloadFailed(string server, string problem);
}
