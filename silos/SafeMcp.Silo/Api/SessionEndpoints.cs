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
        var sessions = app.MapGroup("/v1/sessions").WithTags("sessions");

        sessions.MapPost("", OpenAsync)
            .WithSummary("Open a session, or refresh its tools and instruction")
            .Accepts<OpenSessionRequest>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);

        sessions.MapGet("/{sessionId}/tools", ToolsAsync)
            .WithSummary("The tools the session may see now (proactive filtering)")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapPost("/{sessionId}/decide", DecideAsync)
            .WithSummary("Decide whether a tools/call may run; durable before it answers")
            .Accepts<DecideRequest>("application/json")
            .Produces<Decision>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);

        sessions.MapPost("/{sessionId}/outcome", OutcomeAsync)
            .WithSummary("Report what a call returned (taint and capability update)")
            .Accepts<OutcomeReport>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapPost("/{sessionId}/ingested", IngestedAsync)
            .WithSummary("Report content the agent ingested outside a tool call (a resource read, a prompt): scanned for taint like a call's result")
            .Accepts<IngestedContent>("application/json")
            .Produces<SessionView>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        sessions.MapGet("/{sessionId}", SnapshotAsync)
            .WithSummary("A session's state and its decisions (after=N, limit up to 1000)")
            .Produces<SessionSnapshot>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> OpenAsync(HttpContext context, SessionGrainRuntime runtime, IOptions<SiloOptions> options)
    {
        var (request, error) = await JsonBodyReader.ReadAsync(context.Request, SafeMcpJsonContext.Default.OpenSessionRequest, options.Value.MaxRequestBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        if (string.IsNullOrEmpty(request!.SessionId))
        {
            return ApiErrors.Error(StatusCodes.Status400BadRequest, "missing_session_id", "The body needs a sessionId.");
        }
        return await TurnAsync(context, runtime, request.SessionId, grain => grain.OpenAsync(request, context.RequestAborted), SafeMcpJsonContext.Default.SessionView,
            () => JsonSerializer.SerializeToUtf8Bytes(request, SafeMcpJsonContext.Default.OpenSessionRequest)).ConfigureAwait(false);
    }

    private static Task<IResult> ToolsAsync(HttpContext context, SessionGrainRuntime runtime, string sessionId) =>
        TurnAsync(context, runtime, sessionId, grain => grain.ViewAsync(context.RequestAborted), SafeMcpJsonContext.Default.SessionView, NoBody);

    private static Task<IResult> DecideAsync(HttpContext context, SessionGrainRuntime runtime, IOptions<SiloOptions> options, string sessionId) =>
        BodyTurnAsync(context, runtime, options, sessionId, SafeMcpJsonContext.Default.DecideRequest,
            (grain, request) => grain.DecideAsync(request, context.RequestAborted), SafeMcpJsonContext.Default.Decision);

    private static Task<IResult> OutcomeAsync(HttpContext context, SessionGrainRuntime runtime, IOptions<SiloOptions> options, string sessionId) =>
        BodyTurnAsync(context, runtime, options, sessionId, SafeMcpJsonContext.Default.OutcomeReport,
            (grain, report) => grain.ReportOutcomeAsync(report, context.RequestAborted), SafeMcpJsonContext.Default.SessionView);

    private static Task<IResult> IngestedAsync(HttpContext context, SessionGrainRuntime runtime, IOptions<SiloOptions> options, string sessionId) =>
        BodyTurnAsync(context, runtime, options, sessionId, SafeMcpJsonContext.Default.IngestedContent,
            (grain, content) => grain.IngestAsync(content, context.RequestAborted), SafeMcpJsonContext.Default.SessionView);

    /// <summary>A turn on a session named in the path, with a JSON body read under the silo's limits first.</summary>
    private static async Task<IResult> BodyTurnAsync<TRequest, TResult>(
        HttpContext context, SessionGrainRuntime runtime, IOptions<SiloOptions> options, string sessionId, JsonTypeInfo<TRequest> requestType,
        Func<SessionGrain, TRequest, Task<TResult>> turn, JsonTypeInfo<TResult> resultType) where TRequest : class
    {
        var (request, error) = await JsonBodyReader.ReadAsync(context.Request, requestType, options.Value.MaxRequestBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        return await TurnAsync(context, runtime, sessionId, grain => turn(grain, request!), resultType,
            () => JsonSerializer.SerializeToUtf8Bytes(request!, requestType)).ConfigureAwait(false);
    }

    private static Task<IResult> SnapshotAsync(HttpContext context, SessionGrainRuntime runtime, string sessionId, long? after, int? limit)
    {
        var take = Math.Clamp(limit ?? MaxDecisionsPerRead, 1, MaxDecisionsPerRead);
        return TurnAsync(context, runtime, sessionId, grain => grain.SnapshotAsync(after ?? 0, take, context.RequestAborted), SafeMcpJsonContext.Default.SessionSnapshot, NoBody);
    }

    private static byte[]? NoBody() => null;

    private static async Task<IResult> TurnAsync<T>(
        HttpContext context, SessionGrainRuntime runtime, string sessionId, Func<SessionGrain, Task<T>> turn, JsonTypeInfo<T> typeInfo,
        Func<byte[]?> body)
    {
        try
        {
            var tenant = TenantAuthentication.TenantOf(context);
            // Cluster mode: a session owned by another silo is served there (one hop).
            if (context.RequestServices.GetService<RequestForwarder>() is { } forwarder)
            {
                forwarder.Stamp(context.Response);
                if (await forwarder.ForwardIfRemoteAsync(context, tenant, sessionId, body).ConfigureAwait(false) is { } forwarded)
                {
                    return forwarded;
                }
            }
            var result = await runtime.InvokeAsync(tenant, sessionId, turn, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(result, typeInfo);
        }
        catch (Exception error)
        {
            return ApiErrors.From(error);
        }
    }
}
