using SafeMcp.Contracts;
using SafeMcp.Grains.Tools;
using SafeMcp.WorldModel.Features;

namespace SafeMcp.WorldModel.Data;

/// <summary>
/// Fills in what a data row lacks and a live session has: each tool's description and argument schema, as the
/// MCP server that offers the tool would declare them. The SafeMCP rows name their tools only; their tools are
/// ToolEmu's, whose toolkit file describes them. A name several toolkits use is taken from the toolkit that
/// shares the most names with the row's tools (the first in file order on a tie). A tool the catalogue does not
/// know, or one already described, is left as it is.
/// </summary>
public sealed class ToolCatalogue
{
    private readonly IReadOnlyList<ToolEmuToolkit> _toolkits;
    private readonly Dictionary<string, List<int>> _toolkitsByTool = new(StringComparer.Ordinal);

    /// <summary>A catalogue of <paramref name="toolkits"/>.</summary>
    public ToolCatalogue(IReadOnlyList<ToolEmuToolkit> toolkits)
    {
        _toolkits = toolkits;
        for (var k = 0; k < toolkits.Count; k++)
        {
            foreach (var tool in toolkits[k].Tools)
            {
                if (!_toolkitsByTool.TryGetValue(tool.Name, out var list))
                {
                    _toolkitsByTool[tool.Name] = list = [];
                }
                if (!list.Contains(k))
                {
                    list.Add(k);
                }
            }
        }
    }

    /// <summary>The catalogue of ToolEmu's toolkit file.</summary>
    public static ToolCatalogue Load(string allToolkitsPath) => new(ToolEmuTools.LoadToolkits(allToolkitsPath));

    /// <summary>Distinct tool names known.</summary>
    public int Count => _toolkitsByTool.Count;

    /// <summary>The descriptor of each of <paramref name="toolNames"/> (null where unknown), all resolved among each other.</summary>
    public ToolDescriptor?[] Find(IReadOnlyList<string> toolNames)
    {
        var found = new ToolDescriptor?[toolNames.Count];
        for (var i = 0; i < toolNames.Count; i++)
        {
            if (!_toolkitsByTool.TryGetValue(toolNames[i], out var candidates))
            {
                continue;
            }
            var best = candidates[0];
            if (candidates.Count > 1)
            {
                var bestShared = -1;
                foreach (var k in candidates)
                {
                    var shared = toolNames.Count(name => _toolkitsByTool.TryGetValue(name, out var ks) && ks.Contains(k));
                    if (shared > bestShared)
                    {
                        (best, bestShared) = (k, shared);
                    }
                }
            }
            found[i] = _toolkits[best].Tools.First(t => t.Name == toolNames[i]);
        }
        return found;
    }

    /// <summary><paramref name="input"/> with its undescribed tools described where the catalogue knows them.</summary>
    public WorldModelInput Describe(WorldModelInput input)
    {
        var found = Find(input.Tools.Select(t => t.Name).ToArray());
        var tools = new ToolInfo[input.Tools.Count];
        var changed = false;
        for (var i = 0; i < tools.Length; i++)
        {
            var tool = input.Tools[i];
            if (tool.Description is null && tool.SchemaText is null && found[i] is { } descriptor)
            {
                tool = ToolInfo.From(descriptor);
                changed = true;
            }
            tools[i] = tool;
        }
        return changed ? input with { Tools = tools } : input;
    }

    /// <summary><paramref name="rows"/> with their inputs described (<see cref="Describe(WorldModelInput)"/>); labels unchanged.</summary>
    public List<TrajectoryRow> Describe(IEnumerable<TrajectoryRow> rows) =>
        rows.Select(row => row with { Input = Describe(row.Input) }).ToList();
}
