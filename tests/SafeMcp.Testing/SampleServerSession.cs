using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
namespace SafeMcp.Testing;

/// <summary>
/// A real MCP client connected over stdio to a real sample server process (the built
/// <c>safemcp-sample-server</c>), hooked to a silo unless started unsupervised. One instance is one SafeMCP session.
/// </summary>
public sealed class SampleServerSession : IAsyncDisposable
{
    /// <summary>The newest MCP revision (no initialize handshake; per-request capabilities).</summary>
    public const string LatestProtocol = "2026-07-28";

    /// <summary>The revision before it (initialize handshake, server-to-client requests).</summary>
    public const string InitializeProtocol = "2025-11-25";

    private static readonly TimeSpan s_notificationWait = TimeSpan.FromSeconds(30);
    private readonly Channel<string> _notifications = Channel.CreateUnbounded<string>();
    private readonly TempDirectory _sandbox = new("safemcp-e2e-sandbox");
    private readonly List<string> _serverLog = [];
    private McpClient _client = null!;
    private int _approvalRequests;

    private SampleServerSession(string sessionId, bool keyInMeta)
    {
        SessionId = sessionId;
        _requestOptions = keyInMeta ? new ModelContextProtocol.RequestOptions { Meta = new JsonObject { ["io.safemcp/session"] = sessionId } } : null;
    }

    // Set when the session key travels in each request's _meta rather than in the server's environment.
    private readonly ModelContextProtocol.RequestOptions? _requestOptions;

    /// <summary>The SafeMCP session id the server was given.</summary>
    public string SessionId { get; }

    /// <summary>The sandbox directory the server's tools work in.</summary>
    public string Sandbox => _sandbox.Path;

    /// <summary>The MCP client.</summary>
    public McpClient Client => _client;

    /// <summary>What the server wrote to stderr.</summary>
    public string ServerLog
    {
        get
        {
            lock (_serverLog)
            {
                return string.Join(Environment.NewLine, _serverLog);
            }
        }
    }

    /// <summary>How many times a human was asked for approval.</summary>
    public int ApprovalRequests => Volatile.Read(ref _approvalRequests);

    /// <summary>The message of the last approval request the human was shown.</summary>
    public string? LastApprovalMessage { get; private set; }

    /// <summary>
    /// Starts the sample server against <paramref name="siloAddress"/>. <paramref name="approve"/> null: the client
    /// has no elicitation capability; true/false: it accepts/declines every approval request. The client speaks
    /// <paramref name="protocolVersion"/>.
    /// </summary>
    public static Task<SampleServerSession> StartAsync(
        Uri siloAddress, string apiKey, string? instruction = null, bool? approve = null, Action<string>? prepareSandbox = null, string protocolVersion = LatestProtocol) =>
        StartAsync(supervisor: (siloAddress, apiKey, instruction), approve, prepareSandbox, protocolVersion, new Joining($"e2e-{Guid.NewGuid():N}", null, false));

    /// <summary>
    /// Starts one of several sample servers an agent host runs for one agent: named <paramref name="serverName"/>, it
    /// joins the SafeMCP session <paramref name="sessionId"/>, given to it in its environment (<c>SAFEMCP_SESSION_ID</c>)
    /// or, when <paramref name="keyInMeta"/>, in every request's <c>_meta</c> field <c>io.safemcp/session</c>.
    /// </summary>
    public static Task<SampleServerSession> StartJoinedAsync(
        Uri siloAddress, string apiKey, string sessionId, string serverName, bool keyInMeta, string? instruction = null, Action<string>? prepareSandbox = null) =>
        StartAsync(supervisor: (siloAddress, apiKey, instruction), approve: null, prepareSandbox, LatestProtocol, new Joining(sessionId, serverName, keyInMeta));

    /// <summary>Starts the sample server without the SafeMCP hook (<c>--unsupervised</c>), e.g. to measure what the hook costs.</summary>
    public static Task<SampleServerSession> StartUnsupervisedAsync(Action<string>? prepareSandbox = null) =>
        StartAsync(supervisor: null, approve: null, prepareSandbox, LatestProtocol, new Joining($"e2e-{Guid.NewGuid():N}", null, false));

    /// <summary>The session a server joins, the name it runs under (null: the sample's own) and where the key travels.</summary>
    private sealed record Joining(string SessionId, string? ServerName, bool KeyInMeta);

    private static async Task<SampleServerSession> StartAsync(
        (Uri Address, string ApiKey, string? Instruction)? supervisor, bool? approve, Action<string>? prepareSandbox, string protocolVersion, Joining joining)
    {
        var session = new SampleServerSession(joining.SessionId, joining.KeyInMeta);
        prepareSandbox?.Invoke(session.Sandbox);

        List<string> arguments = [RepositoryPaths.BuiltAssembly("clients/SafeMcp.SampleServer", "safemcp-sample-server"), "--sandbox", session.Sandbox];
        if (joining.ServerName is { } name)
        {
            arguments.AddRange(["--server-name", name]);
        }
        var environment = new Dictionary<string, string?> { ["SAFEMCP_SESSION_ID"] = joining.KeyInMeta ? null : session.SessionId };
        if (supervisor is { } s)
        {
            environment["SAFEMCP_URL"] = s.Address.ToString();
            environment["SAFEMCP_API_KEY"] = s.ApiKey;
            environment["SAFEMCP_INSTRUCTION"] = s.Instruction;
        }
        else
        {
            arguments.Add("--unsupervised");
        }
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "sample-server",
            Command = "dotnet",
            Arguments = arguments,
            EnvironmentVariables = environment,
            StandardErrorLines = session.OnServerLog,
        });

        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "safemcp-e2e", Version = "1.0.0" },
            // Pinned: left open, the client probes with server/discover for 5 s and, on a loaded machine,
            // may fall back to initialize after the server already settled on the newest revision.
            ProtocolVersion = protocolVersion,
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, (notification, _) =>
                    {
                        session._notifications.Writer.TryWrite(notification.Method);
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        };
        if (approve is { } answer)
        {
            options.Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } };
            options.Handlers.ElicitationHandler = (request, _) =>
            {
                session.LastApprovalMessage = request?.Message;
                Interlocked.Increment(ref session._approvalRequests);
                return ValueTask.FromResult(answer
                    ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["approve"] = JsonDocument.Parse("true").RootElement.Clone() } }
                    : new ElicitResult { Action = "decline" });
            };
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Each attempt starts a new server process (the transport launches one per connection).
                session._client = await McpClient.CreateAsync(transport, options).ConfigureAwait(false);
                return session;
            }
            catch (ModelContextProtocol.McpException e) when (attempt < MaxConnectAttempts && e.Message.Contains("protocol version", StringComparison.Ordinal))
            {
                // The SDK's server/discover probe can lose a race with a slow process start on a loaded machine
                // and then refuse the pinned revision; a fresh process negotiates normally.
            }
            catch (Exception e)
            {
                throw new InvalidOperationException("The sample server did not start:" + Environment.NewLine + session.ServerLog, e);
            }
        }
    }

    /// <summary>Connections tried before a start counts as failed (see the retry's comment).</summary>
    private const int MaxConnectAttempts = 3;

    /// <summary>The names of the tools the client sees now.</summary>
    public async Task<IReadOnlyList<string>> ToolNamesAsync() =>
        (await _client.ListToolsAsync(_requestOptions).ConfigureAwait(false)).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Calls <paramref name="tool"/> with string arguments.</summary>
    public async Task<CallToolResult> CallAsync(string tool, params (string Name, string Value)[] arguments) =>
        await _client.CallToolAsync(tool, arguments.ToDictionary(a => a.Name, a => (object?)a.Value), options: _requestOptions).ConfigureAwait(false);

    /// <summary>Waits for the next <c>notifications/tools/list_changed</c>.</summary>
    public async Task WaitForToolListChangedAsync()
    {
        using var timeout = new CancellationTokenSource(s_notificationWait);
        try
        {
            await _notifications.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No tools/list_changed notification came." + Environment.NewLine + ServerLog);
        }
    }

    /// <summary>The text of a result's text blocks.</summary>
    public static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private void OnServerLog(string line)
    {
        lock (_serverLog)
        {
            _serverLog.Add(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
        _sandbox.Dispose();
    }
}
