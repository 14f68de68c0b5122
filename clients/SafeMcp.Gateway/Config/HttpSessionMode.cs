namespace SafeMcp.Gateway.Config;

/// <summary>The YAML's <c>http.mode</c>.</summary>
internal enum HttpSessionMode
{
    /// <summary>Stateful sessions for initialize clients, per-request service for 2026-07-28 clients on the same endpoint.</summary>
    Hybrid,

    /// <summary>Only stateful sessions (2026-07-28 clients are told to downgrade to initialize).</summary>
    Stateful,

    /// <summary>Every request stands alone; nothing can be pushed.</summary>
    Stateless,
}
