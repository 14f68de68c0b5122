using System.Diagnostics;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>A real <c>safemcp-gateway http</c> process on a free loopback port, started from a YAML configuration.</summary>
internal sealed class GatewayHttpProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private readonly List<string> _log = [];
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Process _process;

    private GatewayHttpProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The name of the tests' HTTP caller.</summary>
    public const string CallerName = "agent";

    /// <summary>The tests' HTTP caller's key.</summary>
    public const string CallerKey = "agent-key-of-the-gateway-tests";

    /// <summary>The tenant's <c>callers</c> section the tests' configurations hold (indented for a tenant).</summary>
    public const string CallersYaml = "    callers:\n      - name: " + CallerName + "\n        key: " + CallerKey + "\n";

    /// <summary>The SafeMCP session id of a caller's handle (see the README: sessions are bound to their caller).</summary>
    public static string SessionOf(string handle) => $"{CallerName}.{handle}";

    /// <summary>What the gateway (and its upstreams, through it) wrote to stderr.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join(Environment.NewLine, _log);
            }
        }
    }

    /// <summary>Starts the gateway on the configuration file <paramref name="configPath"/> and waits until it listens.</summary>
    public static async Task<GatewayHttpProcess> StartAsync(string configPath)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway"), "http", "--config", configPath, "--urls", baseAddress.ToString().TrimEnd('/') },
        };
        var gateway = new GatewayHttpProcess(new Process { StartInfo = start }, baseAddress);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The gateway exited:" + Environment.NewLine + gateway.Log));
                return;
            }
            lock (gateway._log)
            {
                gateway._log.Add(e.Data);
            }
            gateway._lines.Writer.TryWrite(e.Data);
            if (e.Data.StartsWith("safemcp-gateway listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        gateway._process.OutputDataReceived += (_, _) => { };
        gateway._process.Start();
        gateway._process.BeginErrorReadLine();
        gateway._process.BeginOutputReadLine();
        try
        {
            await listening.Task.WaitAsync(s_startTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException("The gateway did not start listening:" + Environment.NewLine + gateway.Log);
        }
        return gateway;
    }

    /// <summary>Waits for a log line containing <paramref name="text"/> (lines logged before the call count too).</summary>
    public async Task WaitForLogAsync(string text)
    {
        using var timeout = new CancellationTokenSource(s_startTimeout);
        try
        {
            while (!(await _lines.Reader.ReadAsync(timeout.Token).ConfigureAwait(false)).Contains(text, StringComparison.Ordinal))
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The gateway never logged '{text}':" + Environment.NewLine + Log);
        }
    }

    /// <summary>The endpoint of <paramref name="server"/>.</summary>
    public Uri Endpoint(string server) => new(BaseAddress, $"/mcp/{server}");

    /// <summary>A real MCP client over Streamable HTTP to <paramref name="server"/>, as the tests' caller; <paramref name="handle"/> is its session handle when given.</summary>
    public Task<McpClient> ConnectAsync(string server, string? handle, McpClientOptions? options = null)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + CallerKey };
        if (handle is not null)
        {
            headers["SafeMcp-Session"] = handle;
        }
        return McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = Endpoint(server), TransportMode = HttpTransportMode.StreamableHttp, AdditionalHeaders = headers }),
            options ?? GatewaySession.ClientOptions());
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
