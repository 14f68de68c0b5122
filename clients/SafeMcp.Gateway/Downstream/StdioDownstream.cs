using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>Serves one endpoint to the agent's MCP client over the gateway's stdin/stdout (one process, one agent).</summary>
internal static class StdioDownstream
{
    public static async Task RunAsync(GatewayEndpoint endpoint, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var options = new McpServerOptions();
        endpoint.Configure(options);
        var transport = new StdioServerTransport(options, loggers);
        await using var server = McpServer.Create(transport, options, loggers);
        await using var live = endpoint.Track(server);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
