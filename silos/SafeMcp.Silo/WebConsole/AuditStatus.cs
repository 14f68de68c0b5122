namespace SafeMcp.Silo.WebConsole;

/// <summary>The verification of a tenant's audit chain, as the console shows it.</summary>
/// <param name="Intact">Whether every chained row hashes to the stored head.</param>
/// <param name="Rows">Chained rows verified.</param>
/// <param name="Unchained">Decisions not (yet) linked into the chain.</param>
/// <param name="Problems">What is wrong, when it is not intact.</param>
public sealed record AuditStatus(bool Intact, long Rows, long Unchained, IReadOnlyList<string> Problems);
