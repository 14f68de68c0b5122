namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// Bounds of the inference caches (<see cref="InferenceCache"/>). Each holds what a session sends again and
/// again; the least recently used entry goes first. Entries are keyed by content, so they serve every session.
/// </summary>
public sealed class InferenceCacheOptions
{
    /// <summary>Instructions kept (features and partial context bag). Default 1024.</summary>
    public int Instructions { get; set; } = 1024;

    /// <summary>Tools kept (features and partial bag), by name, description and schema. Default 8192.</summary>
    public int Tools { get; set; } = 8192;

    /// <summary>
    /// Tool-and-instruction pairs kept: the tool's projection in that task when the check does not involve the
    /// tool, which is most tools of most checks. Default 32768.
    /// </summary>
    public int ToolsInTask { get; set; } = 32768;

    /// <summary>
    /// Slots of the memo in front of <see cref="ToolsInTask"/> that finds a pair by the tool object's identity, which
    /// sessions keep, without hashing the tool's text. Pairs map to two slots each (at least 2, rounded down to even). Default 16384.
    /// </summary>
    public int RecentToolsInTask { get; set; } = 16384;

    /// <summary>Trajectory steps kept (feature ids of a step of the prefix), by the text the features read. Default 8192.</summary>
    public int PrefixSteps { get; set; } = 8192;
}
