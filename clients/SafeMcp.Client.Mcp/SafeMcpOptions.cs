using ModelContextProtocol.Server;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp;

/// <summary>How an MCP server hooked with <c>.WithSafeMcp(...)</c> reaches the cluster and names its sessions.</summary>
public sealed class SafeMcpOptions
{
    /// <summary>A silo's base address. Default <c>http://127.0.0.1:5080</c>.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The tenant's API key. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The user's task, sent when the session opens; rules use it to tell needed from hazardous calls. Default none.</summary>
    public string? Instruction { get; set; }

    /// <summary>
    /// The MCP server's name: its slice of the session's tools, and the name the cluster pins its tool definitions under.
    /// Servers that join one session must have different names. Default: the server's implementation name
    /// (<c>McpServerOptions.ServerInfo.Name</c>), else the entry assembly's name, with characters a server name cannot
    /// have replaced by '-'.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// A fixed session id. Default: the environment variable <c>SAFEMCP_SESSION_ID</c> when set (a host that starts
    /// several stdio servers for one agent gives them one id); else none: a stdio server (one process, one session)
    /// generates <c>stdio-&lt;guid&gt;</c> at start; an HTTP server uses the MCP session id. A request's
    /// <c>_meta</c> field <c>io.safemcp/session</c>, or <see cref="SessionIdResolver"/>, overrides it.
    /// </summary>
    public string? SessionId { get; set; } = NullIfBlank(Environment.GetEnvironmentVariable(SessionKeys.EnvironmentVariable));

    /// <summary>
    /// Picks the session id of a request (e.g. from the <c>SafeMcp-Session</c> header the HTTP host stored, or the
    /// caller's identity). Asked after the request's <c>_meta</c> field <c>io.safemcp/session</c>; returning null falls
    /// back to <see cref="SessionId"/>, then the MCP session id, then the process's id. Default none.
    /// </summary>
    public Func<MessageContext, string?>? SessionIdResolver { get; set; }

    /// <summary>What a call's decision is when the cluster stays unreachable. Default <see cref="UnavailableMode.FailClosed"/>.</summary>
    public UnavailableMode WhenUnavailable { get; set; } = UnavailableMode.FailClosed;

    /// <summary>Time allowed for one request to the cluster. Default 5 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a transient failure before the cluster counts as unreachable. Default 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Longest text of a result reported to the cluster for taint scanning; the rest is cut. Default 65,536 characters.</summary>
    public int MaxReportedContentChars { get; set; } = 64 * 1024;

    /// <summary>Whether a <c>require_approval</c> verdict asks a human through MCP elicitation (when the client supports it); when false it is a deny. Default true.</summary>
    public bool AskHumanForApproval { get; set; } = true;

    /// <summary>How long a human has to answer an approval request; no answer in time is a refusal. Default 5 minutes.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The client options these settings stand for.</summary>
    internal SafeMcpClientOptions ToClientOptions() => new()
    {
        BaseAddress = BaseAddress,
        ApiKey = ApiKey,
        WhenUnavailable = WhenUnavailable,
        AttemptTimeout = AttemptTimeout,
        MaxRetries = MaxRetries,
    };
}
