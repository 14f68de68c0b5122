namespace SafeMcp.Contracts;

/// <summary>What a session may see now: the whole session's tools, or one server's slice.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="VisibleTools">
/// Names of the tools the session may see and call, sorted. In the whole session's view a name two servers share is
/// written <c>server/tool</c> (see <see cref="Servers"/> for plain names by server); in one server's view
/// (<see cref="Server"/> set) the plain names of that server's tools.
/// </param>
/// <param name="WithheldTools">Withheld tools with the reason each is withheld; each names its server.</param>
/// <param name="Taint">Taint labels the session carries (secrets, pii, untrusted_instructions): the whole session's.</param>
/// <param name="Version">The session state's version (its ETag).</param>
/// <param name="Server">The server this view is the slice of; null for the whole session.</param>
/// <param name="Servers">The visible tools by server, plain names (one entry in a server's view).</param>
public sealed record SessionView(
    string SessionId,
    IReadOnlyList<string> VisibleTools,
    IReadOnlyList<WithheldTool> WithheldTools,
    IReadOnlyList<string> Taint,
    long Version,
    string? Server = null,
    IReadOnlyList<ServerTools>? Servers = null);
