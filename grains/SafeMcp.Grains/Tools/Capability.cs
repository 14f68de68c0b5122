namespace SafeMcp.Grains.Tools;

/// <summary>What a tool (or one call of it) can do to the world. A set of flags.</summary>
[Flags]
public enum Capability
{
    None = 0,
    FsRead = 1 << 0,
    FsWrite = 1 << 1,
    FsDelete = 1 << 2,
    NetEgress = 1 << 3,
    Exec = 1 << 4,
    Secrets = 1 << 5,
    Identity = 1 << 6,
    Payments = 1 << 7,
    Messaging = 1 << 8,
    SelfModification = 1 << 9,

    /// <summary>Builds or plants malicious software (ransomware, a backdoor, a keylogger): its own text says so.</summary>
    Malware = 1 << 10,
}
