using SafeMcp.Contracts;

namespace SafeMcp.Grains.Decisions;

/// <summary>A tool a gate holds back now, and the gate's layer.</summary>
public sealed record GatedTool(string Layer, WithheldTool Tool);
