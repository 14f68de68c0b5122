using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Gateway.Upstream;

// Sampling, roots and logging are deprecated as of MCP 2026-07-28, but the servers a gateway fronts still use
// them (the reference servers do): a proxy passes them on for as long as the SDK carries them.
#pragma warning disable MCP9005

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// Offers the agent's client what the upstream offers besides tools, and only that: prompts, resources (with
/// subscriptions), completions and logging. Requests are forwarded with their parameters and nothing of the
/// downstream request's <c>_meta</c>; answers come back unchanged. Supervision is the hook's: the filters that
/// <c>WithSafeMcp</c> installs report what the agent reads (resources, prompts, listings) to its session.
/// </summary>
internal static class UpstreamPassThrough
{
    /// <summary>Declares the upstream's capabilities on <paramref name="options"/> and installs the handlers that forward them.</summary>
    public static void Install(McpServerOptions options, UpstreamConnection connection)
    {
        // What the upstream offered when it last answered; an unreachable upstream offers its tools only (none, for now).
        var offered = connection.Client?.ServerCapabilities ?? new ServerCapabilities();
        var downstream = connection.Downstream;
        var capabilities = options.Capabilities ??= new ServerCapabilities();
        var handlers = options.Handlers;
        if (offered.Prompts is { } prompts)
        {
            capabilities.Prompts = new PromptsCapability { ListChanged = prompts.ListChanged };
            handlers.ListPromptsHandler = (request, ct) => connection.Require().ListPromptsAsync(new ListPromptsRequestParams { Cursor = request.Params?.Cursor }, ct);
            handlers.GetPromptHandler = (request, ct) => ForwardAsync(request, downstream,
                p => connection.Require().GetPromptAsync(new GetPromptRequestParams { Name = p.Name, Arguments = p.Arguments }, ct));
        }
        if (offered.Resources is { } resources)
        {
            capabilities.Resources = new ResourcesCapability { ListChanged = resources.ListChanged, Subscribe = resources.Subscribe };
            handlers.ListResourcesHandler = (request, ct) => connection.Require().ListResourcesAsync(new ListResourcesRequestParams { Cursor = request.Params?.Cursor }, ct);
            handlers.ListResourceTemplatesHandler = (request, ct) => connection.Require().ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams { Cursor = request.Params?.Cursor }, ct);
            handlers.ReadResourceHandler = (request, ct) => ForwardAsync(request, downstream,
                p => connection.Require().ReadResourceAsync(new ReadResourceRequestParams { Uri = p.Uri }, ct));
            if (resources.Subscribe == true)
            {
                handlers.SubscribeToResourcesHandler = (request, ct) => SubscribeAsync(request, connection.Require(), downstream, ct);
                handlers.UnsubscribeFromResourcesHandler = (request, ct) => UnsubscribeAsync(request, connection.Require(), downstream, ct);
            }
        }
        if (offered.Completions is not null)
        {
            capabilities.Completions = new CompletionsCapability();
            handlers.CompleteHandler = (request, ct) => ForwardAsync(request, downstream,
                p => connection.Require().CompleteAsync(new CompleteRequestParams { Ref = p.Ref, Argument = p.Argument, Context = p.Context }, ct));
        }
        if (offered.Logging is not null)
        {
            capabilities.Logging = new LoggingCapability();
            // One upstream serves every session of the route: the level last asked for applies to all of them.
            handlers.SetLoggingLevelHandler = async (request, ct) =>
            {
                var level = (request.Params ?? throw Invalid("logging/setLevel")).Level;
                await connection.Require().SetLoggingLevelAsync(new SetLevelRequestParams { Level = level }, ct).ConfigureAwait(false);
                return new EmptyResult();
            };
        }
        // A ping through the gateway answers for the upstream too: a dead upstream fails it (the gateway alone would not).
        // Raw request handlers are the SDK's only way to replace its built-in ping answer (experimental in 2.3.1).
#pragma warning disable MCPEXP002
        options.RequestHandlers = [.. options.RequestHandlers ?? [], new McpServerRequestHandler
        {
            Method = RequestMethods.Ping,
            Handler = async (_, ct) =>
            {
                await connection.Require().PingAsync(new PingRequestParams(), ct).ConfigureAwait(false);
                return new JsonObject();
            },
        }];
#pragma warning restore MCPEXP002
        // The agent's roots changed: the upstream hears it and asks again (roots/list goes back to that client).
        handlers.NotificationHandlers = [.. handlers.NotificationHandlers ?? [],
            new(NotificationMethods.RootsListChangedNotification, (_, ct) => new ValueTask(connection.Require().SendNotificationAsync(NotificationMethods.RootsListChangedNotification, ct)))];
    }

    /// <summary>Forwards a request upstream, with the client counted in flight so the upstream's requests meanwhile reach it.</summary>
    private static async ValueTask<TResult> ForwardAsync<TParams, TResult>(RequestContext<TParams> request, DownstreamClients downstream, Func<TParams, ValueTask<TResult>> forward)
        where TParams : class
    {
        var parameters = request.Params ?? throw Invalid(request.JsonRpcRequest.Method);
        using var inFlight = downstream.Enter(request.Server);
        return await forward(parameters).ConfigureAwait(false);
    }

    private static async ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> request, McpClient upstream, DownstreamClients downstream, CancellationToken ct)
    {
        var uri = request.Params?.Uri ?? throw Invalid("resources/subscribe");
        switch (downstream.Subscribe(request.Server, uri))
        {
            case null:
                throw new McpProtocolException("resources/subscribe needs a session that can be told of updates (stdio, or stateful Streamable HTTP).", McpErrorCode.InvalidRequest);
            case true:
                await upstream.SubscribeToResourceAsync(new SubscribeRequestParams { Uri = uri }, ct).ConfigureAwait(false);
                break;
        }
        return new EmptyResult();
    }

    private static async ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> request, McpClient upstream, DownstreamClients downstream, CancellationToken ct)
    {
        var uri = request.Params?.Uri ?? throw Invalid("resources/unsubscribe");
        if (downstream.Unsubscribe(request.Server, uri))
        {
            await upstream.UnsubscribeFromResourceAsync(new UnsubscribeRequestParams { Uri = uri }, ct).ConfigureAwait(false);
        }
        return new EmptyResult();
    }

    private static McpProtocolException Invalid(string method) => new($"{method} without parameters.", McpErrorCode.InvalidParams);
}
