using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// Keys of the content-addressed caches: tools and prefix steps are equal when the text the feature extractor
/// reads from them is equal, so a long observation is hashed only as far as it is read.
/// </summary>
internal sealed class ReadTextComparer(int toolChars, int observationChars) : IEqualityComparer<ToolInfo>, IEqualityComparer<TrajectoryStep>
{
    public bool Equals(ToolInfo? x, ToolInfo? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Name == y.Name
            && Same(x.Description, y.Description, toolChars) && Same(x.SchemaText, y.SchemaText, toolChars));

    public int GetHashCode(ToolInfo tool) =>
        HashCode.Combine(tool.Name, Hash(tool.Description, toolChars), Hash(tool.SchemaText, toolChars));

    // A prefix step's thought is not read.
    public bool Equals(TrajectoryStep? x, TrajectoryStep? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Action == y.Action && x.ArgumentsText == y.ArgumentsText
            && Same(x.Observation, y.Observation, observationChars));

    public int GetHashCode(TrajectoryStep step) =>
        HashCode.Combine(step.Action, step.ArgumentsText, Hash(step.Observation, observationChars));

    private static bool Same(string? x, string? y, int chars) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && Read(x, chars).SequenceEqual(Read(y, chars)));

    private static int Hash(string? text, int chars) => text is null ? 0 : string.GetHashCode(Read(text, chars));

    private static ReadOnlySpan<char> Read(string text, int chars) => text.AsSpan(0, Math.Min(text.Length, chars));
}
