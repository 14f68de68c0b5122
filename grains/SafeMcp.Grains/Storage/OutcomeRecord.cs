namespace SafeMcp.Grains.Storage;

/// <summary>A call's outcome, written onto its audit row.</summary>
/// <param name="Sequence">The decision the outcome belongs to.</param>
/// <param name="IsError">Whether the tool failed.</param>
/// <param name="ResultBytes">Size of the result.</param>
/// <param name="TaintFound">Taint labels found in the result (wire names, comma separated).</param>
/// <param name="ObservationExcerpt">The start of the result with secrets redacted.</param>
public sealed record OutcomeRecord(long Sequence, bool IsError, long ResultBytes, string TaintFound, string ObservationExcerpt);
