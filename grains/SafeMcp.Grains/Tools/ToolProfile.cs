using SafeMcp.Contracts;

namespace SafeMcp.Grains.Tools;

/// <summary>A tool as the session knows it: its server, its descriptor and the capabilities the classifier gave it.</summary>
public sealed record ToolProfile(ToolDescriptor Descriptor, Capability Capabilities, string Server = SessionKeys.DefaultServer)
{
    /// <summary>The tool's name, as its server advertises it.</summary>
    public string Name => Descriptor.Name;

    /// <summary>The tool's identity in a session.</summary>
    public ToolKey Key => new(Server, Descriptor.Name);

    /// <summary>Whether the tool's own text says it reaches the hidden services of anonymity networks (see <see cref="Rules.HiddenServices"/>).</summary>
    public bool ReachesHiddenServices { get; } = Rules.HiddenServices.ReachedBy(Descriptor);

    /// <summary>
    /// Whether the tool's name says it searches, looks up or browses (<see cref="Rules.AttackResearch.IsSearch"/>): only
    /// such a tool's arguments are read as queries for attack tooling.
    /// </summary>
    public bool Searches { get; } = Rules.AttackResearch.IsSearch(Descriptor.Name);

    /// <summary>
    /// Whether the tool writes and its only sign of deleting is its <c>destructiveHint</c> annotation (its name and
    /// description name no deletion): it destroys data only when it overwrites (see <see cref="Rules.Overwrites"/>).
    /// </summary>
    public bool DeletesOnlyByHint { get; } =
        (Capabilities & (Capability.FsWrite | Capability.FsDelete)) == (Capability.FsWrite | Capability.FsDelete)
        && Descriptor.Annotations?.DestructiveHint == true
        && (CapabilityClassifier.Classify(Descriptor with { Annotations = null }) & Capability.FsDelete) == 0;

    /// <summary>The profile of <paramref name="tool"/> of <paramref name="server"/>, classified.</summary>
    public static ToolProfile Classify(ToolDescriptor tool, string server) => new(tool, CapabilityClassifier.Classify(tool), server);
}
