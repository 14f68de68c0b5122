using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The gateway's Streamable HTTP endpoint (stateless, on Kestrel), driven by the SDK's HTTP client transport.</summary>
public sealed class HttpGatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _directory = new("safemcp-gateway-http");
    private readonly List<string> _log = [];
    private Process _gateway = null!;
    private Uri _baseAddress = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "notes.txt"), "Meeting moved to Thursday.");
        var config = Path.Combine(_directory.Path, "gateway.yaml");
        File.WriteAllText(config, $"""
            silo: {fixture.Silo.BaseAddress}
            tenants:
              - name: tests
                apiKey: {fixture.ApiKey}
                servers:
                  - name: files
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Filesystem)}, {JsonSerializer.Serialize(_directory.Path)}]
                  - name: everything
                    command: node
                    args: [{JsonSerializer.Serialize(NodeServers.Everything)}, stdio]
            """);
        _baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway"), "http", "--config", config, "--urls", _baseAddress.ToString().TrimEnd('/') },
        };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway = new Process { StartInfo = start };
        _gateway.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The gateway exited:" + Environment.NewLine + Log));
                return;
            }
            lock (_log)
            {
                _log.Add(e.Data);
            }
            if (e.Data.StartsWith("safemcp-gateway listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        _gateway.OutputDataReceived += (_, _) => { };
        _gateway.Start();
        _gateway.BeginErrorReadLine();
        _gateway.BeginOutputReadLine();
        try
        {
            await listening.Task.WaitAsync(s_startTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The gateway did not start listening:" + Environment.NewLine + Log);
        }
    }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join(Environment.NewLine, _log);
            }
        }
    }

    private Task<McpClient> ConnectAsync(string server, string sessionId) => McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_baseAddress, $"/mcp/{server}"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["SafeMcp-Session-Id"] = sessionId },
        }),
        GatewaySession.ClientOptions());

    [Fact]
    public async Task Calls_over_stateless_http_are_decided_in_the_session_the_header_names()
    {
        var sessionId = $"http-{Guid.NewGuid():N}";
        await using var client = await ConnectAsync("files", sessionId);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToArray();
        Assert.Contains("read_text_file", tools);
        var read = await client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_directory.Path, "notes.txt") });
        Assert.False(read.IsError == true, ReferenceServerTests.Text(read));
        Assert.Equal("Meeting moved to Thursday.", ReferenceServerTests.Text(read));
        var climb = await client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = Path.Combine(_directory.Path, "..", "..", "etc", "passwd") });
        Assert.True(climb.IsError, ReferenceServerTests.Text(climb));

        using var silo = fixture.NewClient();
        var snapshot = await silo.GetSessionAsync(sessionId);
        Assert.Equal([("read_text_file", Verdict.Allow), ("read_text_file", Verdict.Deny)], snapshot.Decisions.Select(d => (d.Tool, d.Verdict)));
    }

    [Fact]
    public async Task Each_configured_server_has_its_own_path_and_an_unknown_one_is_not_found()
    {
        await using var everything = await ConnectAsync("everything", $"http-{Guid.NewGuid():N}");
        Assert.Contains("get-sum", (await everything.ListToolsAsync()).Select(t => t.Name));

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_baseAddress, "/mcp/nope"), new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("files", await response.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync()
    {
        if (!_gateway.HasExited)
        {
            _gateway.Kill(entireProcessTree: true);
            _gateway.WaitForExit();
        }
        _gateway.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
