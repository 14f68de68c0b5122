using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Data;

/// <summary>The answer of a labelled row: the verdict, the tools to filter, the observation that followed.</summary>
public sealed record RowLabel(SafetyLabel Safety, IReadOnlyList<string> FilteredTools, string? NextState);
