using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage;

/// <summary>One audit row: the chained decision, its stored hash and its (unchained) outcome columns.</summary>
internal sealed record AuditLogRow(AuditChainEntry Entry, string ChainHash, bool? OutcomeIsError, long? OutcomeBytes, string? OutcomeTaint);
