namespace SafeMcp.WorldModel.Features;

/// <summary>What a tool contributes to its bag whatever the check: its name, name words, description and schema.</summary>
/// <param name="BaseIds">The first ids of every bag of the tool.</param>
/// <param name="NameWords">The lower-case words of its name (relations to the check are hashed on them).</param>
internal sealed record ToolFeatures(int[] BaseIds, string[] NameWords);
