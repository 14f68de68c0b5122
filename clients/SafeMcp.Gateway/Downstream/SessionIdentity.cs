using System.Security.Claims;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Contracts;

namespace SafeMcp.Gateway.Downstream;

/// <summary>
/// Names the supervised session of a request. Over stdio one gateway process is one agent: the session is the
/// request's <c>_meta</c> key (<c>io.safemcp/session</c>) or the process's id. Over HTTP a session is always bound to
/// its caller: <c>{caller}.{handle}</c>, where the handle is the one the client returns (the <c>SafeMcp-Session</c>
/// header, the <c>_meta</c> key), else its MCP session id (2025-11-25 stateful), else <c>default</c>: one session per
/// caller, never one for all clients.
/// </summary>
internal static class SessionIdentity
{
    /// <summary>The claim the HTTP host puts the caller's name in.</summary>
    public const string CallerClaim = ClaimTypes.NameIdentifier;

    /// <summary>The claim the HTTP host puts the session handle the client returned (or the gateway minted) in.</summary>
    public const string HandleClaim = "safemcp:session";

    /// <summary>Longest session handle accepted.</summary>
    public const int MaxHandleLength = 64;

    /// <summary>The resolver of a stdio gateway whose process session is <paramref name="processSessionId"/>.</summary>
    public static Func<MessageContext, string> Stdio(string processSessionId) => context => MetaKey(context) ?? processSessionId;

    /// <summary>The resolver of the HTTP gateway (callers authenticated by the host).</summary>
    public static Func<MessageContext, string> Http() => context =>
    {
        var caller = context.User?.FindFirst(CallerClaim)?.Value
            ?? throw new InvalidOperationException("An HTTP request reached supervision without an authenticated caller.");
        var handle = context.User?.FindFirst(HandleClaim)?.Value ?? MetaKey(context) ?? context.Server.SessionId ?? "default";
        return $"{caller}.{handle}";
    };

    /// <summary>True for a handle a client may send: 1 to 64 characters of [A-Za-z0-9._-].</summary>
    public static bool IsValidHandle(string handle) =>
        handle.Length is > 0 and <= MaxHandleLength && handle.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string? MetaKey(MessageContext context) =>
        (context.JsonRpcMessage as JsonRpcRequest)?.Params?["_meta"]?[SessionKeys.MetaField]?.GetValue<string>() is { } key && IsValidHandle(key) ? key : null;
}
