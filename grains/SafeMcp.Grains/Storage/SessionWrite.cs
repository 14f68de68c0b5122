namespace SafeMcp.Grains.Storage;

/// <summary>One atomic write of a session turn: its new state and, for a decision, its audit row.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SessionId">The session.</param>
/// <param name="ExpectedVersion">The version the turn started from (0: the session is new).</param>
/// <param name="DefinitionJson">The session's definition when it changed (open), else null.</param>
/// <param name="StateUtf8">The session's mutable state after the turn, as UTF-8 JSON.</param>
/// <param name="Audit">The decision to append to the audit log, if the turn decided a call.</param>
/// <param name="Outcome">A call's reported outcome, if the turn recorded one.</param>
/// <param name="Epoch">The lease epoch of the activation (0 when the store does not fence).</param>
public sealed record SessionWrite(
    string TenantId,
    string SessionId,
    long ExpectedVersion,
    string? DefinitionJson,
    byte[] StateUtf8,
    AuditRecord? Audit,
    OutcomeRecord? Outcome,
    long Epoch = 0)
{
    /// <summary>The version the session has once this write commits.</summary>
    public long NewVersion => ExpectedVersion + 1;
}
