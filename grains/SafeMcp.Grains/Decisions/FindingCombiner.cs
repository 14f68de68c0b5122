using SafeMcp.Contracts;
using SafeMcp.Grains.Sessions;

namespace SafeMcp.Grains.Decisions;

/// <summary>Combines findings: the strictest verdict wins; reasons, techniques, layers and tools are unions.</summary>
public static class FindingCombiner
{
    /// <summary>The combination of <paramref name="findings"/>; allow with no reason when there are none.</summary>
    public static CombinedFindings Combine(IReadOnlyList<Finding> findings)
    {
        var verdict = Verdict.Allow;
        var reasons = new List<string>();
        var techniques = new List<string>();
        var decidedBy = new List<string>();
        var withhold = new List<string>();
        var taint = Taint.None;
        foreach (var finding in findings)
        {
            if (finding.Verdict > verdict)
            {
                verdict = finding.Verdict;
            }
            reasons.Add(finding.Reason);
            AddDistinct(techniques, finding.Techniques);
            AddDistinct(decidedBy, [finding.DecidedBy]);
            AddDistinct(withhold, finding.WithholdTools ?? []);
            taint |= finding.AddTaint;
        }
        return new CombinedFindings(verdict, reasons, techniques, decidedBy, withhold, taint);
    }

    private static void AddDistinct(List<string> target, IEnumerable<string> items)
    {
        foreach (var item in items)
        {
            if (!target.Contains(item))
            {
                target.Add(item);
            }
        }
    }
}

/// <summary>The result of <see cref="FindingCombiner.Combine"/>.</summary>
public sealed record CombinedFindings(
    Verdict Verdict,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<string> DecidedBy,
    IReadOnlyList<string> WithholdTools,
    Taint AddTaint);
