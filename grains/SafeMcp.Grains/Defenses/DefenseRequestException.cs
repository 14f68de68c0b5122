namespace SafeMcp.Grains.Defenses;

/// <summary>What kind of mistake a <see cref="DefenseRequestException"/> reports.</summary>
public enum DefenseErrorKind
{
    /// <summary>The request is malformed (400).</summary>
    Invalid,

    /// <summary>The server or tool is unknown (404).</summary>
    NotFound,

    /// <summary>The request conflicts with the registry's state (409).</summary>
    Conflict,
}

/// <summary>An admin request a tenant-level defense (registry, grants) refuses; it changes no state.</summary>
public sealed class DefenseRequestException(DefenseErrorKind kind, string code, string message) : Exception(message)
{
    /// <summary>The kind of mistake.</summary>
    public DefenseErrorKind Kind { get; } = kind;

    /// <summary>A stable machine code.</summary>
    public string Code { get; } = code;
}
