using SafeMcp.Contracts;

namespace SafeMcp.Grains.Tools;

/// <summary>A tool as the session knows it: its descriptor and the capabilities the classifier gave it.</summary>
public sealed record ToolProfile(ToolDescriptor Descriptor, Capability Capabilities)
{
    /// <summary>The tool's name.</summary>
    public string Name => Descriptor.Name;
}
