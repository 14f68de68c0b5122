namespace SafeMcp.Grains.Sessions;

/// <summary>What kind of caller mistake a <see cref="SessionRequestException"/> reports.</summary>
public enum SessionErrorKind
{
    /// <summary>The request is malformed or breaks a limit (400).</summary>
    Invalid,

    /// <summary>The session does not exist for this tenant (404).</summary>
    NotFound,

    /// <summary>The caller's key may not make this change (403).</summary>
    Forbidden,
}

/// <summary>A request the session grain refuses; it changes no state.</summary>
public sealed class SessionRequestException(SessionErrorKind kind, string code, string message) : Exception(message)
{
    /// <summary>The kind of mistake.</summary>
    public SessionErrorKind Kind { get; } = kind;

    /// <summary>A stable machine code, e.g. <c>unknown_session</c>.</summary>
    public string Code { get; } = code;
}
