using System.Text.Json;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// A real MCP client connected over stdio to a real <c>safemcp-gateway stdio</c> process, which fronts a Node
/// MCP server started from a YAML configuration. One instance is one SafeMCP session.
/// </summary>
internal sealed class GatewaySession : IAsyncDisposable
{
    private static readonly TimeSpan s_notificationWait = TimeSpan.FromSeconds(60);
    private readonly Channel<string> _notifications = Channel.CreateUnbounded<string>();
    private readonly List<string> _log = [];
    private readonly TempDirectory _directory = new("safemcp-gateway-e2e");
    private readonly List<string> _approvalMessages = [];
    private McpClient _client = null!;

    private GatewaySession() { }

    public string SessionId { get; } = $"gw-{Guid.NewGuid():N}";

    public string ConfigPath => Path.Combine(_directory.Path, "gateway.yaml");

    public McpClient Client => _client;

    /// <summary>The approval requests the human was shown, in order.</summary>
    public IReadOnlyList<string> ApprovalMessages
    {
        get
        {
            lock (_approvalMessages)
            {
                return [.. _approvalMessages];
            }
        }
    }

    /// <summary>What the gateway (and the upstream, through it) wrote to stderr.</summary>
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

    /// <summary>Starts the gateway on a configuration with one tenant and one server, <paramref name="serverYaml"/> (indented for a list item).</summary>
    /// <remarks><paramref name="approve"/> null: the client has no elicitation capability; true/false: it accepts/declines every approval request.</remarks>
    /// <remarks><paramref name="configure"/> adds to the client's options (e.g. a sampling handler).</remarks>
    public static Task<GatewaySession> StartAsync(GatewayFixture fixture, string serverName, string serverYaml, bool? approve = null, Action<McpClientOptions>? configure = null) =>
        StartProfileAsync(fixture, serverName, $"""
            silo: {fixture.Silo.BaseAddress}
            tenants:
              - name: tests
                apiKeyEnv: GATEWAY_TEST_KEY
                servers:
            {serverYaml}
            """, approve, configure);

    /// <summary>Starts the gateway on the whole configuration <paramref name="configYaml"/>, fronting the server or profile <paramref name="endpoint"/>.</summary>
    public static async Task<GatewaySession> StartProfileAsync(GatewayFixture fixture, string endpoint, string configYaml, bool? approve = null, Action<McpClientOptions>? configure = null)
    {
        var session = new GatewaySession();
        File.WriteAllText(session.ConfigPath, configYaml);
        var serverName = endpoint;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "gateway",
            Command = "dotnet",
            Arguments = [RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway"), "stdio", "--config", session.ConfigPath, "--server", serverName, "--session-id", session.SessionId],
            EnvironmentVariables = new Dictionary<string, string?> { ["GATEWAY_TEST_KEY"] = fixture.ApiKey },
            StandardErrorLines = session.OnLog,
        });
        try
        {
            var options = ClientOptions(session._notifications);
            if (approve is { } answer)
            {
                options.Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } };
                options.Handlers.ElicitationHandler = (request, _) =>
                {
                    lock (session._approvalMessages)
                    {
                        session._approvalMessages.Add(request?.Message ?? "");
                    }
                    return ValueTask.FromResult(answer
                        ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(true) } }
                        : new ElicitResult { Action = "decline" });
                };
            }
            configure?.Invoke(options);
            session._client = await McpClient.CreateAsync(transport, options).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("The gateway did not start:" + Environment.NewLine + session.Log, e);
        }
        return session;
    }

    /// <summary>The options of the tests' MCP clients; list_changed notifications go to <paramref name="notifications"/>.</summary>
    public static McpClientOptions ClientOptions(Channel<string>? notifications = null) => new()
    {
        ClientInfo = new Implementation { Name = "safemcp-gateway-e2e", Version = "1.0.0" },
        // Pinned, as in the hook's end-to-end tests: no discover probe racing the handshake under load.
        ProtocolVersion = SampleServerSession.InitializeProtocol,
        InitializationTimeout = TimeSpan.FromSeconds(120),
        Handlers = new McpClientHandlers
        {
            NotificationHandlers = notifications is null ? [] :
            [
                new(NotificationMethods.ToolListChangedNotification, (notification, _) =>
                {
                    notifications.Writer.TryWrite(notification.Method);
                    return ValueTask.CompletedTask;
                }),
            ],
        },
    };

    /// <summary>The tools the client sees now.</summary>
    public async Task<IReadOnlyList<Tool>> ToolsAsync() =>
        (await _client.ListToolsAsync().ConfigureAwait(false)).Select(t => t.ProtocolTool).ToArray();

    /// <summary>The names of the tools the client sees now.</summary>
    public async Task<IReadOnlyList<string>> ToolNamesAsync() => (await ToolsAsync().ConfigureAwait(false)).Select(t => t.Name).ToArray();

    /// <summary>Calls <paramref name="tool"/>.</summary>
    public Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments) =>
        _client.CallToolAsync(tool, arguments).AsTask();

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
            throw new TimeoutException("No tools/list_changed notification came." + Environment.NewLine + Log);
        }
    }

    private void OnLog(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
        _directory.Dispose();
    }
}
