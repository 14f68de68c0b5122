namespace SafeMcp.Grains.Sessions;

/// <summary>Labels on the data a session has taken in. Monotonic: a session never loses taint.</summary>
[Flags]
public enum Taint
{
    None = 0,

    /// <summary>Credentials, keys, tokens or passwords.</summary>
    Secrets = 1 << 0,

    /// <summary>Personal data: e-mail addresses, phone or card numbers, national ids.</summary>
    Pii = 1 << 1,

    /// <summary>Text that tries to instruct the model (prompt injection).</summary>
    UntrustedInstructions = 1 << 2,
}
