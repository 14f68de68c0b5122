using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>Serves one route to the agent's MCP client over the gateway's stdin/stdout (one process, one session).</summary>
internal static class StdioDownstream
{
    public static async Task RunAsync(GatewayRoute route, CancellationToken cancellationToken)
    {
        var loggers = route.Services.GetRequiredService<ILoggerFactory>();
        var transport = new StdioServerTransport(route.ServerOptions, loggers);
        await using var server = McpServer.Create(transport, route.ServerOptions, loggers, route.Services);
        await using var live = route.Track(server);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
