using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Defenses.Poisoning;

/// <summary>Withholds every tool whose metadata carries signs of poisoning, from the moment the session opens.</summary>
public sealed class PoisoningVisibilityRule : IVisibilityRule
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "poisoning";

    /// <inheritdoc />
    public void Apply(SessionState session, List<WithheldTool> withheld)
    {
        foreach (var tool in session.Tools.Values)
        {
            if (session.Withheld.ContainsKey(tool.Key))
            {
                continue;
            }
            var report = ToolPoisoningScanner.Scan(tool.Descriptor);
            if (report.IsPoisoned)
            {
                withheld.Add(new WithheldTool(tool.Name,
                    $"[{Layer}] The tool's metadata is poisoned: {report.Describe()}.",
                    [.. report.Techniques, Techniques.AutomatedScanning, Techniques.MetadataSanitization], tool.Server));
            }
        }
    }
}
