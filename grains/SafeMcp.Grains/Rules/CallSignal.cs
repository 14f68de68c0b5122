namespace SafeMcp.Grains.Rules;

/// <summary>Facts read off one call's arguments.</summary>
[Flags]
public enum CallSignal
{
    None = 0,

    /// <summary>An argument names a place where credentials live (.env, .ssh, id_rsa, credentials…).</summary>
    SecretLocation = 1 << 0,

    /// <summary>An argument holds a secret value (private key, cloud key, token).</summary>
    SecretValue = 1 << 1,

    /// <summary>An argument names an external URL or host.</summary>
    ExternalTarget = 1 << 2,

    /// <summary>A command or query destroys data (rm -r, mkfs, DROP TABLE…).</summary>
    Destruction = 1 << 3,

    /// <summary>A destruction aimed at a whole tree: the root, the home directory, a wildcard.</summary>
    MassDestruction = 1 << 4,

    /// <summary>A command raises privilege (sudo, chmod, chown, setuid, admin grant).</summary>
    PrivilegeChange = 1 << 5,

    /// <summary>Logs, history or auditing are deleted or disabled.</summary>
    DefenseEvasion = 1 << 6,

    /// <summary>A path climbs out of its root with "..".</summary>
    PathTraversal = 1 << 7,

    /// <summary>Shell metacharacters chain or substitute commands.</summary>
    CommandChaining = 1 << 8,

    /// <summary>A command reaches the network (curl, wget, nc, scp, a network scanner, an interpreter one-liner).</summary>
    CommandEgress = 1 << 9,

    /// <summary>A container is given the host's namespaces, full privileges or the host's root filesystem.</summary>
    SandboxEscape = 1 << 10,

    /// <summary>An argument supplies a password, passphrase or PIN.</summary>
    CredentialUse = 1 << 11,

    /// <summary>
    /// A URL, the destination of a remote shell (<c>ssh user@host</c>) or a host argument names a host on a private
    /// network (an RFC 1918 address, a single-label name, *.internal…).
    /// </summary>
    InternalTarget = 1 << 12,

    /// <summary>A command reads the system's password database (/etc/shadow, the SAM hive, ntds.dit).</summary>
    CredentialDump = 1 << 13,

    /// <summary>A call acts as a superuser account (root, admin, administrator) on a host.</summary>
    SuperuserAccount = 1 << 14,

    /// <summary>A message asks its readers for their credentials or urges them past security controls.</summary>
    SocialEngineering = 1 << 15,

    /// <summary>A URL names a hidden service of an anonymity network (a Tor <c>.onion</c> or an I2P <c>.i2p</c> host).</summary>
    HiddenService = 1 << 16,

    /// <summary>
    /// An argument of a search tool (<see cref="Tools.ToolProfile.Searches"/>) asks for attack tooling: exploits for a
    /// system, zero-days, privilege escalation, hacking into something, cracking passwords (see <see cref="AttackResearch"/>).
    /// </summary>
    AttackTooling = 1 << 17,
}
