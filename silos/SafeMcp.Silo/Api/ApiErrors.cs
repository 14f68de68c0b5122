using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Runtime;
using SafeMcp.Silo.Storage;

namespace SafeMcp.Silo.Api;

/// <summary>Every error answer of the API: a status and an <see cref="ApiError"/> body.</summary>
internal static class ApiErrors
{
    public static IResult Error(int status, string code, string message) =>
        Results.Json(new ApiError(code, message), SafeMcpJsonContext.Default.ApiError, statusCode: status);

    /// <summary>Maps what a grain turn threw to an answer. Unknown failures fail closed (no decision).</summary>
    public static IResult From(Exception error) => error switch
    {
        SessionRequestException { Kind: SessionErrorKind.NotFound } e => Error(StatusCodes.Status404NotFound, e.Code, e.Message),
        SessionRequestException { Kind: SessionErrorKind.Forbidden } e => Error(StatusCodes.Status403Forbidden, e.Code, e.Message),
        SessionRequestException e => Error(StatusCodes.Status400BadRequest, e.Code, e.Message),
        DefenseRequestException { Kind: DefenseErrorKind.NotFound } e => Error(StatusCodes.Status404NotFound, e.Code, e.Message),
        DefenseRequestException { Kind: DefenseErrorKind.Conflict } e => Error(StatusCodes.Status409Conflict, e.Code, e.Message),
        DefenseRequestException e => Error(StatusCodes.Status400BadRequest, e.Code, e.Message),
        StaleStateException => Error(StatusCodes.Status409Conflict, "stale_activation", "The session moved or changed under this activation; retry the request."),
        SiloFencedException e => Error(StatusCodes.Status503ServiceUnavailable, "silo_fenced", e.Message + " No decision was made (fail closed)."),
        LeaseHeldException e => Error(StatusCodes.Status503ServiceUnavailable, "session_moving", e.Message),
        StorageUnavailableException => Error(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "Storage cannot commit now; no decision was made (fail closed)."),
        OperationCanceledException => Error(499, "cancelled", "The request was cancelled."),
        _ => Error(StatusCodes.Status500InternalServerError, "internal_error", "The silo could not decide; no decision was made (fail closed)."),
    };
}
