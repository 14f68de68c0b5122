using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// Serves every route over Streamable HTTP in stateless mode on Kestrel: <c>POST /mcp/{server}</c>. Each POST
/// gets its own server instance and <see cref="StreamableHttpServerTransport"/> (what ModelContextProtocol.AspNetCore
/// does in stateless mode); the SafeMCP session comes from the <see cref="GatewayOptions.SessionHeader"/> header.
/// </summary>
internal static class HttpDownstream
{
    public static WebApplication Build(IReadOnlyDictionary<string, GatewayRoute> routes, GatewayOptions options, string[] urls, Action<ILoggingBuilder> logging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        var app = builder.Build();
        app.MapPost("/mcp/{server}", (HttpContext http, string server) =>
            routes.TryGetValue(server, out var route) ? HandlePostAsync(http, route, options) : NotFound(http, server, routes.Keys));
        // Stateless: no standalone event stream and no session to delete.
        app.MapMethods("/mcp/{server}", ["GET", "DELETE"], (HttpContext http) =>
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        });
        return app;
    }

    private static async Task HandlePostAsync(HttpContext http, GatewayRoute route, GatewayOptions options)
    {
        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(http.Request.Body, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)), http.RequestAborted).ConfigureAwait(false) as JsonRpcMessage;
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"The body is not a JSON-RPC message: {e.Message}").ConfigureAwait(false);
            return;
        }
        if (message is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The body is not a JSON-RPC message.").ConfigureAwait(false);
            return;
        }
        message.Context ??= new JsonRpcMessageContext();
        message.Context.Items ??= new Dictionary<string, object?>();
        if (http.Request.Headers[options.SessionHeader].ToString() is { Length: > 0 } sessionId)
        {
            message.Context.Items[GatewayRoute.SessionItem] = sessionId;
        }

        var loggers = route.Services.GetRequiredService<ILoggerFactory>();
        await using var transport = new StreamableHttpServerTransport(loggers) { Stateless = true };
        await using var server = McpServer.Create(transport, route.ServerOptions, loggers, route.Services);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var run = server.RunAsync(stop.Token);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache,no-store";
        var answered = await transport.HandlePostRequestAsync(message, http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        if (!answered && !http.Response.HasStarted)
        {
            // A notification or a response: nothing to stream back.
            http.Response.ContentType = null;
            http.Response.StatusCode = StatusCodes.Status202Accepted;
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The request is over: so is its server.
        }
    }

    private static Task NotFound(HttpContext http, string server, IEnumerable<string> known) =>
        WriteErrorAsync(http, StatusCodes.Status404NotFound, $"No upstream server named '{server}'; there are: {string.Join(", ", known)}.");

    private static Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message, http.RequestAborted);
    }
}
