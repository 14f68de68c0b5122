using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;
using SafeMcp.Silo.Placement;
using SafeMcp.Silo.Sessions;

namespace SafeMcp.Silo.Api;

/// <summary>The session API: open, list visible tools, decide a call, report an outcome, read state and decisions.</summary>
internal static class SessionEndpoints
{
    /// <summary>Most decisions one snapshot returns.</summary>
    public const int MaxDecisionsPerRead = 1000;

    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        // The handlers' services are taken once, here: a parameter resolved per request (or RequestServices asked in a
        // handler) makes ASP.NET Core create a dependency-injection scope for every request.
        var api = new SessionApi(
            app.ServiceProvider.GetRequiredService<SessionGrainRuntime>(),
            app.ServiceProvider.GetRequiredService<IOptions<SiloOptions>>().Value.MaxRequestBodyBytes,
            app.ServiceProvider.GetService<RequestForwarder>());
        var sessions = app.MapGroup("/v1/sessions").WithTags("sessions");

        sessions.MapPost("", (Func<HttpContext, Task<IResult>>)(context => OpenAsync(context, api)))
            .WithSummary("Open a session, or refresh its tools and instruction")
            .Accepts<OpenSessionRequest>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);

        sessions.MapGet("/{sessionId}/tools", (HttpContext context, string sessionId, string? server) => ToolsAsync(context, api, sessionId, server))
            .WithSummary("The tools the session may see now (proactive filtering): the whole session's, or one server's slice (server=X)")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapPost("/{sessionId}/decide", (HttpContext context, string sessionId) => DecideAsync(context, api, sessionId))
            .WithSummary("Decide whether a tools/call may run; durable before it answers")
            .Accepts<DecideRequest>("application/json")
            .Produces<Decision>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);

        sessions.MapPost("/{sessionId}/outcome", (HttpContext context, string sessionId) => OutcomeAsync(context, api, sessionId))
            .WithSummary("Report what a call returned (taint and capability update)")
            .Accepts<OutcomeReport>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapPost("/{sessionId}/ingested", (HttpContext context, string sessionId) => IngestedAsync(context, api, sessionId))
            .WithSummary("Report content the agent ingested outside a tool call (a resource read, a prompt): scanned for taint like a call's result")
            .Accepts<IngestedContent>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapGet("/{sessionId}", (HttpContext context, string sessionId, long? after, int? limit) => SnapshotAsync(context, api, sessionId, after, limit))
            .WithSummary("A session's state and its decisions (after=N, limit up to 1000)")
            .Produces<SessionSnapshot>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    /// <summary>What the session endpoints use, resolved once when they are mapped.</summary>
    /// <param name="Runtime">The silo's session grains.</param>
    /// <param name="MaxBodyBytes">Largest request body read (<see cref="SiloOptions.MaxRequestBodyBytes"/>).</param>
    /// <param name="Forwarder">Cluster mode: sends a request for a session another silo owns there; null on one silo.</param>
    private sealed record SessionApi(SessionGrainRuntime Runtime, int MaxBodyBytes, RequestForwarder? Forwarder);

    private static async Task<IResult> OpenAsync(HttpContext context, SessionApi api)
    {
        var (request, error) = await JsonBodyReader.ReadAsync(context.Request, SafeMcpJsonContext.Default.OpenSessionRequest, api.MaxBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        if (string.IsNullOrEmpty(request!.SessionId))
        {
            return ApiErrors.Error(StatusCodes.Status400BadRequest, "missing_session_id", "The body needs a sessionId.");
        }
        return await TurnAsync(context, api, request.SessionId, grain => grain.OpenAsync(request, context.RequestAborted), SafeMcpJsonContext.Default.SessionView,
            () => JsonSerializer.SerializeToUtf8Bytes(request, SafeMcpJsonContext.Default.OpenSessionRequest)).ConfigureAwait(false);
    }

    private static Task<IResult> ToolsAsync(HttpContext context, SessionApi api, string sessionId, string? server) =>
        TurnAsync(context, api, sessionId, grain => grain.ViewAsync(server, context.RequestAborted), SafeMcpJsonContext.Default.SessionView, NoBody);

    private static Task<IResult> DecideAsync(HttpContext context, SessionApi api, string sessionId) =>
        BodyTurnAsync(context, api, sessionId, SafeMcpJsonContext.Default.DecideRequest,
            (grain, request) => grain.DecideAsync(request, context.RequestAborted), SafeMcpJsonContext.Default.Decision);

    private static Task<IResult> OutcomeAsync(HttpContext context, SessionApi api, string sessionId) =>
        BodyTurnAsync(context, api, sessionId, SafeMcpJsonContext.Default.OutcomeReport,
            (grain, report) => grain.ReportOutcomeAsync(report, context.RequestAborted), SafeMcpJsonContext.Default.SessionView);

    private static Task<IResult> IngestedAsync(HttpContext context, SessionApi api, string sessionId) =>
        BodyTurnAsync(context, api, sessionId, SafeMcpJsonContext.Default.IngestedContent,
            (grain, content) => grain.IngestAsync(content, context.RequestAborted), SafeMcpJsonContext.Default.SessionView);

    /// <summary>A turn on a session named in the path, with a JSON body read under the silo's limits first.</summary>
    private static async Task<IResult> BodyTurnAsync<TRequest, TResult>(
        HttpContext context, SessionApi api, string sessionId, JsonTypeInfo<TRequest> requestType,
        Func<SessionGrain, TRequest, Task<TResult>> turn, JsonTypeInfo<TResult> resultType) where TRequest : class
    {
        var (request, error) = await JsonBodyReader.ReadAsync(context.Request, requestType, api.MaxBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        return await TurnAsync(context, api, sessionId, grain => turn(grain, request!), resultType,
            () => JsonSerializer.SerializeToUtf8Bytes(request!, requestType)).ConfigureAwait(false);
    }

    private static Task<IResult> SnapshotAsync(HttpContext context, SessionApi api, string sessionId, long? after, int? limit)
    {
        var take = Math.Clamp(limit ?? MaxDecisionsPerRead, 1, MaxDecisionsPerRead);
        return TurnAsync(context, api, sessionId, grain => grain.SnapshotAsync(after ?? 0, take, context.RequestAborted), SafeMcpJsonContext.Default.SessionSnapshot, NoBody);
    }

    private static byte[]? NoBody() => null;

    private static async Task<IResult> TurnAsync<T>(
        HttpContext context, SessionApi api, string sessionId, Func<SessionGrain, Task<T>> turn, JsonTypeInfo<T> typeInfo,
        Func<byte[]?> body)
    {
        try
        {
            var tenant = TenantAuthentication.TenantOf(context);
            // Cluster mode: a session owned by another silo is served there (one hop).
            if (api.Forwarder is { } forwarder)
            {
                forwarder.Stamp(context.Response);
                if (await forwarder.ForwardIfRemoteAsync(context, tenant, sessionId, body).ConfigureAwait(false) is { } forwarded)
                {
                    return forwarded;
                }
            }
            var result = await api.Runtime.InvokeAsync(tenant, sessionId, turn, context.RequestAborted).ConfigureAwait(false);
            return new JsonAnswer<T>(result, typeInfo);
        }
        catch (Exception error)
        {
            return ApiErrors.From(error);
        }
    }
}
