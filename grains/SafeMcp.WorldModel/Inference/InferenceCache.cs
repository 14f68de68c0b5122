using System.Runtime.CompilerServices;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// What stays the same between the checks of a session, computed once: the instruction's features and the sum
/// of its context embeddings, each tool's features and bag sum, each tool's projection in a task when the check
/// does not involve it, and the feature ids of prefix steps. Keyed by content, so entries are right for every
/// session; bounded by <see cref="InferenceCacheOptions"/>; thread-safe. Sums hold the first ids of a bag added
/// in order, so a bag continued from them equals the bag <see cref="FeatureExtractor.Encode"/> describes, bit for bit.
/// </summary>
internal sealed class InferenceCache
{
    private readonly FeatureExtractor _extractor;
    private readonly WorldModelNetwork _network;
    private readonly BoundedCache<string, InstructionEntry> _instructions;
    private readonly BoundedCache<ToolInfo, ToolEntry> _tools;
    private readonly BoundedCache<(InstructionEntry Instruction, ToolInfo Tool), ToolInTaskEntry> _toolsInTask;
    private readonly BoundedCache<TrajectoryStep, int[]> _prefixSteps;
    private readonly InstructionEntry _noInstruction;

    // Instruction entries belong to this cache, so a slot found by reference always answers for this cache's content.
    private readonly RecentToolInTask?[] _recentToolsInTask;
    private long _recentStamp;

    public InferenceCache(FeatureExtractor extractor, WorldModelNetwork network, InferenceCacheOptions options)
    {
        _extractor = extractor;
        _network = network;
        var comparer = new ReadTextComparer(extractor.ToolCharsRead, extractor.ObservationCharsRead);
        _instructions = new BoundedCache<string, InstructionEntry>(options.Instructions, StringComparer.Ordinal);
        _tools = new BoundedCache<ToolInfo, ToolEntry>(options.Tools, comparer);
        _toolsInTask = new BoundedCache<(InstructionEntry, ToolInfo), ToolInTaskEntry>(options.ToolsInTask, new ToolInTaskComparer(comparer));
        _prefixSteps = new BoundedCache<TrajectoryStep, int[]>(options.PrefixSteps, comparer);
        _noInstruction = BuildInstruction(null);
        _recentToolsInTask = new RecentToolInTask?[options.RecentToolsInTask >= 2
            ? options.RecentToolsInTask & ~1
            : throw new ArgumentOutOfRangeException(nameof(options), "InferenceCacheOptions.RecentToolsInTask must be at least 2.")];
    }

    /// <summary>The features and partial context bag of <paramref name="instruction"/>.</summary>
    public InstructionEntry Instruction(string? instruction) =>
        instruction is null ? _noInstruction : _instructions.GetOrAdd(instruction, this, static (text, cache) => cache.BuildInstruction(text));

    /// <summary>The features and partial bag of <paramref name="tool"/>.</summary>
    public ToolEntry Tool(ToolInfo tool) => _tools.GetOrAdd(tool, this, static (tool, cache) => cache.BuildTool(tool));

    /// <summary>
    /// <paramref name="tool"/> in <paramref name="instruction"/>'s task: its cached features and its bag when the check
    /// does not involve it. One lookup, since it is made for every tool of every check.
    /// </summary>
    public ToolInTaskEntry ToolInTask(InstructionEntry instruction, ToolInfo tool)
    {
        // A session sends the same tool objects with every check: a hit by reference saves hashing the tool's text.
        // Two slots per pair (a pair evicts the older of them), so two hot pairs rarely take turns evicting each other.
        // Slots are immutable and swapped whole, so a reader never sees half of one.
        var first = (uint)HashCode.Combine(RuntimeHelpers.GetHashCode(instruction), RuntimeHelpers.GetHashCode(tool)) % (uint)_recentToolsInTask.Length & ~1u;
        var a = Volatile.Read(ref _recentToolsInTask[first]);
        if (a is not null && ReferenceEquals(a.Instruction, instruction) && ReferenceEquals(a.Tool, tool))
        {
            return a.Entry;
        }
        var b = Volatile.Read(ref _recentToolsInTask[first + 1]);
        if (b is not null && ReferenceEquals(b.Instruction, instruction) && ReferenceEquals(b.Tool, tool))
        {
            return b.Entry;
        }
        var entry = _toolsInTask.GetOrAdd((instruction, tool), this, static (key, cache) => cache.BuildToolInTask(key.Instruction, cache.Tool(key.Tool)));
        var stamp = Interlocked.Increment(ref _recentStamp);
        var older = a is null || (b is not null && a.Stamp <= b.Stamp) ? first : first + 1;
        Volatile.Write(ref _recentToolsInTask[older], new RecentToolInTask(instruction, tool, entry, stamp));
        return entry;
    }

    /// <summary>The feature ids of a prefix step.</summary>
    public int[] PrefixStep(TrajectoryStep step) => _prefixSteps.GetOrAdd(step, _extractor, static (step, extractor) =>
    {
        var ids = new List<int>();
        extractor.AddPrefixStep(ids, step);
        return ids.ToArray();
    });

    private InstructionEntry BuildInstruction(string? text)
    {
        var features = _extractor.Instruction(text);
        return new InstructionEntry(features, Sum(features.HeadIds, null));
    }

    private ToolEntry BuildTool(ToolInfo tool)
    {
        var features = _extractor.Tool(tool);
        return new ToolEntry(features, Sum(features.BaseIds, null));
    }

    private ToolInTaskEntry BuildToolInTask(InstructionEntry instruction, ToolEntry tool)
    {
        var matches = new List<int>();
        _extractor.AddInstructionMatches(matches, tool.Features, instruction.Features);
        var bag = Sum(matches.ToArray(), tool.BaseSum);
        _network.Backend.ScaleBag(bag, tool.Features.BaseIds.Length + matches.Count);
        var projection = new float[_network.Weights.Shape.ToolHidden];
        _network.ProjectTools(bag, 1, projection);
        return new ToolInTaskEntry(tool, matches.ToArray(), projection);
    }

    /// <summary>A bag's running sum: <paramref name="start"/> (zero when null) plus the rows of <paramref name="ids"/>, in order.</summary>
    private float[] Sum(int[] ids, float[]? start)
    {
        var sum = start is null ? new float[_network.Weights.Shape.Dim] : (float[])start.Clone();
        _network.Backend.AccumulateRows(_network.Weights.Parameters.AsSpan()[_network.Weights.Layout.Embedding], sum.Length, ids, sum);
        return sum;
    }

    /// <summary>An instruction's features and the sum of its context bag's first ids (bias and instruction words), unscaled.</summary>
    internal sealed class InstructionEntry(InstructionFeatures features, float[] headSum)
    {
        public InstructionFeatures Features { get; } = features;
        public float[] HeadSum { get; } = headSum;
    }

    /// <summary>A tool's features and the sum of its bag's first ids, unscaled.</summary>
    internal sealed class ToolEntry(ToolFeatures features, float[] baseSum)
    {
        public ToolFeatures Features { get; } = features;
        public float[] BaseSum { get; } = baseSum;
    }

    /// <summary>A tool in a task: the tool's entry, its name words found in the instruction, and its projection when the check does not involve it.</summary>
    internal sealed class ToolInTaskEntry(ToolEntry tool, int[] matchIds, float[] projection)
    {
        public ToolEntry Tool { get; } = tool;
        public int[] MatchIds { get; } = matchIds;
        public float[] Projection { get; } = projection;
    }

    /// <summary>A tool-in-task entry found for this instruction entry and tool object.</summary>
    private sealed record RecentToolInTask(InstructionEntry Instruction, ToolInfo Tool, ToolInTaskEntry Entry, long Stamp);

    /// <summary>
    /// Instruction entries by reference (an entry stands for its content while it is cached; a pair with an evicted
    /// one is merely never found again), tools by the text read from them.
    /// </summary>
    private sealed class ToolInTaskComparer(IEqualityComparer<ToolInfo> tools) : IEqualityComparer<(InstructionEntry Instruction, ToolInfo Tool)>
    {
        public bool Equals((InstructionEntry Instruction, ToolInfo Tool) x, (InstructionEntry Instruction, ToolInfo Tool) y) =>
            ReferenceEquals(x.Instruction, y.Instruction) && tools.Equals(x.Tool, y.Tool);

        public int GetHashCode((InstructionEntry Instruction, ToolInfo Tool) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Instruction), tools.GetHashCode(key.Tool));
    }
}
