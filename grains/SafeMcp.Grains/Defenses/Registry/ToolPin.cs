namespace SafeMcp.Grains.Defenses.Registry;

/// <summary>One tool of one server in a tenant's registry, as stored.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Server">The MCP server's name.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="Status">See <see cref="PinStatus"/>.</param>
/// <param name="Reason">Why it is quarantined (<see cref="QuarantineReason"/>), or null.</param>
/// <param name="ApprovedHash">The approved definition's hash, or null before the first approval.</param>
/// <param name="ObservedHash">The hash of the definition last seen.</param>
/// <param name="DefinitionJson">The definition last seen (JSON).</param>
/// <param name="UpdatedAt">When the pin last changed.</param>
public sealed record ToolPin(
    string TenantId,
    string Server,
    string Tool,
    string Status,
    string? Reason,
    string? ApprovedHash,
    string ObservedHash,
    string DefinitionJson,
    DateTimeOffset UpdatedAt);

/// <summary>The states of a pin.</summary>
public static class PinStatus
{
    public const string Approved = "approved";
    public const string Quarantined = "quarantined";
    public const string Removed = "removed";
}

/// <summary>Why a tool is quarantined.</summary>
public static class QuarantineReason
{
    public const string New = "new";
    public const string Changed = "changed";
    public const string ReAdded = "re-added";

    /// <summary>The tool's server name was first declared by an agent key (see <see cref="RegistryOptions.TrustNewServersFromAgentKeys"/>).</summary>
    public const string NewServer = "new-server";

    /// <summary>An admin rejected the definition last seen; a different one is quarantined again as changed.</summary>
    public const string Rejected = "rejected";
}
