using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// Serves every route over Streamable HTTP on Kestrel at <c>/mcp/{server}</c>, as ModelContextProtocol.AspNetCore
/// would. <b>Stateful</b> (default): <c>initialize</c> opens a session named by <c>Mcp-Session-Id</c>, whose
/// server lives until DELETE or idle expiry; GET opens its event stream, where the upstream's notifications
/// (list changes, resource updates, log messages) and the gateway's own <c>tools/list_changed</c> arrive.
/// <b>Stateless</b>: every POST gets its own server and transport, and nothing can be pushed. In both, the
/// SafeMCP session may be named by the <see cref="GatewayOptions.SessionHeader"/> header (stateful default: the
/// MCP session id; stateless default: one process-wide session per server).
/// </summary>
internal static class HttpDownstream
{
    private const string McpSessionHeader = "Mcp-Session-Id";

    // -32001 "session not found", as the SDK's ASP.NET Core handler and the TypeScript SDK answer.
    private const int SessionNotFoundCode = -32001;

    public static WebApplication Build(
        IReadOnlyDictionary<string, GatewayRoute> routes, HttpSessionTable? sessions, GatewayOptions options, string[] urls, Action<ILoggingBuilder> logging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        var app = builder.Build();
        app.MapPost("/mcp/{server}", (HttpContext context, string server) =>
            !routes.TryGetValue(server, out var route) ? NotFound(context, server, routes.Keys)
            : sessions is null ? HandleStatelessPostAsync(context, route, options)
            : HandleStatefulPostAsync(context, route, sessions, options));
        app.MapGet("/mcp/{server}", (HttpContext context, string server) =>
            !routes.TryGetValue(server, out var route) ? NotFound(context, server, routes.Keys)
            : sessions is null ? NotAllowed(context)
            : HandleGetAsync(context, route, sessions));
        app.MapDelete("/mcp/{server}", (HttpContext context, string server) =>
            !routes.TryGetValue(server, out var route) ? NotFound(context, server, routes.Keys)
            : sessions is null ? NotAllowed(context)
            : HandleDeleteAsync(context, route, sessions));
        return app;
    }

    private static async Task HandleStatefulPostAsync(HttpContext http, GatewayRoute route, HttpSessionTable sessions, GatewayOptions options)
    {
        var message = await ReadMessageAsync(http, options).ConfigureAwait(false);
        if (message is null)
        {
            return;
        }
        HttpSession? session;
        if (http.Request.Headers[McpSessionHeader].ToString() is { Length: > 0 } id)
        {
            session = sessions.Find(id, route);
            if (session is null)
            {
                await WriteJsonRpcErrorAsync(http, StatusCodes.Status404NotFound, SessionNotFoundCode, "Session not found: it ended (DELETE, idle expiry) or never existed; initialize a new one.").ConfigureAwait(false);
                return;
            }
        }
        else if (message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            session = sessions.Open(route);
            if (session is null)
            {
                await WriteJsonRpcErrorAsync(http, StatusCodes.Status503ServiceUnavailable, (int)McpErrorCode.InternalError, "Too many open sessions; try again when one has ended.").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            await WriteJsonRpcErrorAsync(http, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidRequest, $"Bad Request: no {McpSessionHeader} header; a session starts with initialize.").ConfigureAwait(false);
            return;
        }
        http.Response.Headers[McpSessionHeader] = session.Id;
        using var use = session.Use();
        await AnswerPostAsync(http, session.Transport, message).ConfigureAwait(false);
    }

    private static async Task HandleGetAsync(HttpContext http, GatewayRoute route, HttpSessionTable sessions)
    {
        if (await FindAsync(http, route, sessions).ConfigureAwait(false) is not { } session)
        {
            return;
        }
        http.Response.Headers[McpSessionHeader] = session.Id;
        using var use = session.Use();
        // The stream stays open until the client leaves, the session ends or the gateway stops (which would
        // otherwise wait for it).
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, session.Lifetime, stopping);
        StartEventStream(http);
        try
        {
            await http.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            await session.Transport.HandleGetRequestAsync(http.Response.Body, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away, or the session ended.
        }
        catch (InvalidOperationException e) when (!http.Response.HasStarted)
        {
            // A second event stream for one session.
            await WriteJsonRpcErrorAsync(http, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidRequest, "Bad Request: " + e.Message).ConfigureAwait(false);
        }
    }

    private static async Task HandleDeleteAsync(HttpContext http, GatewayRoute route, HttpSessionTable sessions)
    {
        var id = http.Request.Headers[McpSessionHeader].ToString();
        if (id.Length == 0 || !await sessions.EndAsync(id, route).ConfigureAwait(false))
        {
            await WriteJsonRpcErrorAsync(http, StatusCodes.Status404NotFound, SessionNotFoundCode, "Session not found.").ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task<HttpSession?> FindAsync(HttpContext http, GatewayRoute route, HttpSessionTable sessions)
    {
        var id = http.Request.Headers[McpSessionHeader].ToString();
        if (id.Length == 0)
        {
            await WriteJsonRpcErrorAsync(http, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidRequest, $"Bad Request: no {McpSessionHeader} header.").ConfigureAwait(false);
            return null;
        }
        var session = sessions.Find(id, route);
        if (session is null)
        {
            await WriteJsonRpcErrorAsync(http, StatusCodes.Status404NotFound, SessionNotFoundCode, "Session not found.").ConfigureAwait(false);
        }
        return session;
    }

    private static async Task HandleStatelessPostAsync(HttpContext http, GatewayRoute route, GatewayOptions options)
    {
        var message = await ReadMessageAsync(http, options).ConfigureAwait(false);
        if (message is null)
        {
            return;
        }
        var loggers = route.Services.GetRequiredService<ILoggerFactory>();
        await using var transport = new StreamableHttpServerTransport(loggers) { Stateless = true };
        await using var server = McpServer.Create(transport, route.ServerOptions, loggers, route.Services);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var run = server.RunAsync(stop.Token);
        await AnswerPostAsync(http, transport, message).ConfigureAwait(false);
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

    /// <summary>Reads the POST's JSON-RPC message and stamps it with the SafeMCP session header; null (answered 400) when it is not one.</summary>
    private static async Task<JsonRpcMessage?> ReadMessageAsync(HttpContext http, GatewayOptions options)
    {
        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(http.Request.Body, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)), http.RequestAborted).ConfigureAwait(false) as JsonRpcMessage;
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"The body is not a JSON-RPC message: {e.Message}").ConfigureAwait(false);
            return null;
        }
        if (message is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The body is not a JSON-RPC message.").ConfigureAwait(false);
            return null;
        }
        message.Context ??= new JsonRpcMessageContext();
        message.Context.Items ??= new Dictionary<string, object?>();
        if (http.Request.Headers[options.SessionHeader].ToString() is { Length: > 0 } sessionId)
        {
            message.Context.Items[GatewayRoute.SessionItem] = sessionId;
        }
        return message;
    }

    private static async Task AnswerPostAsync(HttpContext http, StreamableHttpServerTransport transport, JsonRpcMessage message)
    {
        StartEventStream(http);
        var answered = await transport.HandlePostRequestAsync(message, http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        if (!answered && !http.Response.HasStarted)
        {
            // A notification or a response: nothing to stream back.
            http.Response.ContentType = null;
            http.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    private static void StartEventStream(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache,no-store";
        // Events must reach the client as they are written, not when a buffer fills.
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static Task NotAllowed(HttpContext http)
    {
        // Stateless: no event stream and no session to delete.
        http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        return Task.CompletedTask;
    }

    private static Task NotFound(HttpContext http, string server, IEnumerable<string> known) =>
        WriteErrorAsync(http, StatusCodes.Status404NotFound, $"No upstream server named '{server}'; there are: {string.Join(", ", known)}.");

    private static Task WriteJsonRpcErrorAsync(HttpContext http, int status, int code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var error = new JsonRpcError { Id = default, Error = new JsonRpcErrorDetail { Code = code, Message = message } };
        return JsonSerializer.SerializeAsync(http.Response.Body, error, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError)), http.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message, http.RequestAborted);
    }
}
