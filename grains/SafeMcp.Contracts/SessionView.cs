namespace SafeMcp.Contracts;

/// <summary>What a session may see now.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="VisibleTools">Names of the tools the session may see and call.</param>
/// <param name="WithheldTools">Withheld tools with the reason each is withheld.</param>
/// <param name="Taint">Taint labels the session carries (secrets, pii, untrusted_instructions).</param>
/// <param name="Version">The session state's version (its ETag).</param>
public sealed record SessionView(
    string SessionId,
    IReadOnlyList<string> VisibleTools,
    IReadOnlyList<WithheldTool> WithheldTools,
    IReadOnlyList<string> Taint,
    long Version);
