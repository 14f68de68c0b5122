using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Data;

/// <summary>One row of the SafeMCP JSONL format: the check (what prediction may read) and its label, kept apart.</summary>
public sealed record TrajectoryRow(long Index, WorldModelInput Input, RowLabel? Label);
