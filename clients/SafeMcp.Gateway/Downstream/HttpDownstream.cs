using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SafeMcp.Gateway.Config;
using SdkSessionMode = ModelContextProtocol.AspNetCore.HttpServerSessionMode;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// Serves every endpoint over Streamable HTTP at <c>/mcp/{name}</c> with the SDK's hosting (<c>MapMcp</c>): its
/// session modes (hybrid by default: a 2025-11-25 client gets a stateful session, a 2026-07-28 client is served per
/// request), its header checks (<c>MCP-Protocol-Version</c>, <c>Mcp-Method</c>, <c>Mcp-Name</c> against the body),
/// <c>server/discover</c> and <c>subscriptions/listen</c>. The gateway adds what the SDK leaves to the host: the
/// <see cref="EndpointGuard"/> in front, and each session's server set up by its endpoint.
/// </summary>
internal static class HttpDownstream
{
    public static WebApplication Build(
        IReadOnlyDictionary<string, GatewayEndpoint> endpoints, GatewayConfig config, GatewayOptions options, string[] urls, Action<ILoggingBuilder> logging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddMcpServer().WithHttpTransport(transport =>
        {
            transport.SessionMode = config.Http.Mode switch
            {
                HttpSessionMode.Stateful => SdkSessionMode.Stateful,
                HttpSessionMode.Stateless => SdkSessionMode.Stateless,
                _ => SdkSessionMode.StatefulForInitializeClients,
            };
#pragma warning disable MCP9006 // Stateful sessions are how 2025-11-25 clients are served (dual stack): their limits are ours to set.
            transport.IdleTimeout = config.Http.SessionIdleTimeout;
            transport.MaxIdleSessionCount = options.MaxIdleHttpSessions;
#pragma warning restore MCP9006
            transport.ConfigureSessionOptions = (http, server, _) =>
            {
                EndpointOf(http).Configure(server);
                return Task.CompletedTask;
            };
#pragma warning disable MCPEXP002 // The one hook around a session's life: the gateway counts it live for the upstreams' notifications.
            transport.RunSessionHandler = async (http, server, cancellationToken) =>
            {
                if (server.SessionId is null)
                {
                    // One request served alone: nothing can be pushed to it later, so it never counts as live.
                    await server.RunAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                var endpoint = EndpointOf(http);
                await using var live = endpoint.Track(server);
                await server.RunAsync(cancellationToken).ConfigureAwait(false);
            };
#pragma warning restore MCPEXP002
        });
        var app = builder.Build();
        var guard = new EndpointGuard(endpoints, config);
        app.Use(guard.InvokeAsync);
        app.MapMcp("/mcp/{endpoint}");
        return app;
    }

    private static GatewayEndpoint EndpointOf(HttpContext http) =>
        http.Items[EndpointGuard.EndpointItem] as GatewayEndpoint
        ?? throw new InvalidOperationException("An MCP request reached the SDK's handler without passing the endpoint guard.");
}
