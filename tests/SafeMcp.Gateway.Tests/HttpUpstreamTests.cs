using System.Diagnostics;
using SafeMcp.Contracts;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>An upstream reached by URL: the reference "everything" server on its Streamable HTTP transport, behind a stdio gateway.</summary>
public sealed class HttpUpstreamTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);
    private readonly int _port = FreePort.Next();
    private Process _upstream = null!;

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList = { NodeServers.Everything, "streamableHttp" },
            Environment = { ["PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        _upstream = new Process { StartInfo = start };
        _upstream.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.Add(e.Data ?? "(exited)");
            }
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The upstream exited: " + string.Join(Environment.NewLine, log)));
            }
            else if (e.Data.Contains("listening on port", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        _upstream.OutputDataReceived += (_, _) => { };
        _upstream.Start();
        _upstream.BeginErrorReadLine();
        _upstream.BeginOutputReadLine();
        await listening.Task.WaitAsync(s_startTimeout);
    }

    [Fact]
    public async Task A_server_reached_by_url_is_supervised_like_a_stdio_one()
    {
        await using var session = await GatewaySession.StartAsync(fixture, "remote", $"""
                  - name: remote
                    url: http://127.0.0.1:{_port}/mcp
            """);

        Assert.Contains("get-sum", await session.ToolNamesAsync());
        var sum = await session.CallAsync("get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 });

        Assert.False(sum.IsError == true, ReferenceServerTests.Text(sum));
        Assert.Contains("5", ReferenceServerTests.Text(sum));
        using var client = fixture.NewClient();
        var decision = Assert.Single((await client.GetSessionAsync(session.SessionId)).Decisions);
        Assert.Equal(("get-sum", Verdict.Allow), (decision.Tool, decision.Verdict));
    }

    public Task DisposeAsync()
    {
        if (!_upstream.HasExited)
        {
            _upstream.Kill(entireProcessTree: true);
            _upstream.WaitForExit();
        }
        _upstream.Dispose();
        return Task.CompletedTask;
    }
}
