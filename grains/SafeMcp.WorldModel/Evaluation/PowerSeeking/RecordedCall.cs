namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>One tool call of a recorded trajectory.</summary>
public sealed record RecordedCall(string Tool, string ArgumentsJson, string? Observation, string? Thought);
