using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Downstream;

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// Whose client an upstream's request goes to, and when the upstream is subscribed and unsubscribed: the
/// gateway's bookkeeping of its downstream sessions, on real (not running) SDK server instances.
/// </summary>
public sealed class DownstreamClientsTests : IAsyncLifetime
{
    private readonly DownstreamClients _clients = new(TimeSpan.FromSeconds(1), NullLogger<DownstreamClients>.Instance);
    private readonly List<McpServer> _servers = [];

    private McpServer NewServer(string sessionId)
    {
        var server = McpServer.Create(new StreamableHttpServerTransport { SessionId = sessionId }, new McpServerOptions());
        _servers.Add(server);
        return server;
    }

    private static Func<string, Task> Collect(List<string> into) => uri =>
    {
        into.Add(uri);
        return Task.CompletedTask;
    };

    [Fact]
    public async Task An_upstream_request_goes_to_the_one_client_with_a_request_in_flight_and_to_nobody_when_that_is_ambiguous()
    {
        var a = NewServer("a");
        var b = NewServer("b");
        await using var liveA = _clients.Track(a, _ => Task.CompletedTask);
        await using var liveB = _clients.Track(b, _ => Task.CompletedTask);

        var idle = _clients.Requester();
        McpServer? onlyA;
        McpServer? both;
        using (_clients.Enter(a))
        {
            onlyA = _clients.Requester();
            using (_clients.Enter(b))
            {
                both = _clients.Requester();
            }
        }

        Assert.Null(idle);
        Assert.Same(a, onlyA);
        Assert.Null(both);
    }

    [Fact]
    public async Task The_only_live_session_takes_an_upstream_request_when_nothing_is_in_flight()
    {
        var only = NewServer("only");
        await using (_clients.Track(only, _ => Task.CompletedTask))
        {
            Assert.Same(only, _clients.Requester());
        }

        Assert.Null(_clients.Requester());
    }

    [Fact]
    public async Task The_upstream_is_subscribed_on_the_first_subscriber_and_released_after_the_last_one_leaves()
    {
        const string Uri = "demo://doc";
        var a = NewServer("a");
        var b = NewServer("b");
        var orphaned = new List<string>();
        var liveA = _clients.Track(a, Collect(orphaned));
        var liveB = _clients.Track(b, Collect(orphaned));

        var first = _clients.Subscribe(a, Uri);
        var second = _clients.Subscribe(b, Uri);
        var stateless = _clients.Subscribe(NewServer("not-live"), Uri);
        var lastButOne = _clients.Unsubscribe(a, Uri);
        await liveA.DisposeAsync();
        var orphanedWhileBStays = orphaned.Count;
        await liveB.DisposeAsync();

        Assert.Equal((true, false, (bool?)null), (first, second, stateless));
        Assert.False(lastButOne);
        Assert.Equal(0, orphanedWhileBStays);
        Assert.Equal([Uri], orphaned);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        await _clients.DisposeAsync();
    }
}
