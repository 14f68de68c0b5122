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

    /// <summary>A command reaches the network (curl, wget, nc, scp, an interpreter one-liner).</summary>
    CommandEgress = 1 << 9,
}
