namespace SafeMcp.Grains.Sessions;

/// <summary>Tunables of session grains.</summary>
public sealed class SessionGrainOptions
{
    /// <summary>Calls kept in a session's state for history-based rules (the audit table keeps all). Default 8.</summary>
    public int RecentCallsKept { get; set; } = 8;

    /// <summary>Most tools one session may declare. Default 512.</summary>
    public int MaxTools { get; set; } = 512;

    /// <summary>Characters of a call's result kept (redacted) in the audit row, for retraining. Default 2048.</summary>
    public int ObservationExcerptChars { get; set; } = 2048;
}
