using SafeMcp.Grains.Defenses.Audit;

namespace SafeMcp.Silo.Storage;

/// <summary>One audit row: the chained decision, its stored MAC and its outcome columns (sealed apart, see <see cref="AuditChain.SealOutcome"/>).</summary>
internal sealed record AuditLogRow(AuditChainEntry Entry, string ChainHash, bool? OutcomeIsError, long? OutcomeBytes, string? OutcomeTaint)
{
    /// <summary>The result's excerpt the outcome reported (secrets redacted).</summary>
    public string? Observation { get; init; }

    /// <summary>The outcome's seal, <c>keyId:hex</c>; null when no outcome was reported (or before keys existed).</summary>
    public string? OutcomeSeal { get; init; }
}
