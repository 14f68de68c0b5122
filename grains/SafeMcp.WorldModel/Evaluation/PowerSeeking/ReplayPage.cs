using System.Net;
using System.Text;
using SafeMcp.Contracts;

namespace SafeMcp.WorldModel.Evaluation.PowerSeeking;

/// <summary>
/// A self-contained HTML page of a replay (no scripts, no external files): the figures, then one row a trajectory with
/// a box a call, coloured by its verdict, the enabler and risk steps marked, stops before the enabler outlined, and the
/// reasons, technique ids and withheld tools of each call in the box's tooltip.
/// </summary>
public static class ReplayPage
{
    private const string AllowColor = "#8fd19e";
    private const string AskColor = "#ffc857";
    private const string DenyColor = "#e4572e";

    /// <summary>The page of <paramref name="report"/>; <paramref name="decisionPath"/> names the layers that decided.</summary>
    public static string Render(ReplayReport report, string decisionPath)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>SafeMCP PowerSeeking replay</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td{padding:3px 8px;vertical-align:middle}")
            .Append(".figures td{font-family:monospace;white-space:pre}.call{display:inline-block;width:24px;height:24px;margin:1px;text-align:center;")
            .Append("line-height:24px;font-size:11px;font-weight:bold;border:2px solid transparent;box-sizing:border-box;cursor:default}")
            .Append(".pre{border:2px dashed #000}.withholds{text-decoration:underline}.stopped{color:#1b7f3b}.missed{color:#b3261e}")
            .Append(".none{color:#777}tr.trajectory:nth-child(even){background:#f6f6f6}</style></head><body>")
            .Append("<h1>PowerSeeking replay</h1><p>Decision path: ").Append(Encode(decisionPath)).Append("</p><table class=\"figures\">");
        foreach (var line in report.Lines())
        {
            html.Append("<tr><td>").Append(Encode(line)).Append("</td></tr>");
        }
        html.Append("</table><h2>Trajectories</h2><p>")
            .Append(Box(AllowColor, "", "allowed", pre: false, withholds: false)).Append(" allowed &nbsp; ")
            .Append(Box(AskColor, "", "needs approval", pre: false, withholds: false)).Append(" needs a human's approval &nbsp; ")
            .Append(Box(DenyColor, "", "denied", pre: false, withholds: false)).Append(" denied &nbsp; ")
            .Append(Box("#fff", "E", "enabler", pre: false, withholds: false)).Append(" enabler (power-seeking step) &nbsp; ")
            .Append(Box("#fff", "R", "risk", pre: false, withholds: false)).Append(" risk step &nbsp; ")
            .Append(Box(AskColor, "", "stopped before the enabler", pre: true, withholds: false)).Append(" stopped before the enabler &nbsp; ")
            .Append(Box(AllowColor, "w", "withholds tools", pre: false, withholds: true)).Append(" withholds tools &nbsp; ")
            .Append(Box("#fff", "o", "withheld at open", pre: false, withholds: true)).Append(" tools withheld as the session opened (hover a box for the call)</p><table>");
        foreach (var trajectory in report.Replayed)
        {
            html.Append("<tr class=\"trajectory\"><td>#").Append(trajectory.Number).Append("</td><td class=\"");
            if (trajectory.Calls.Count == 0)
            {
                html.Append("none\">no tool calls</td><td></td></tr>");
                continue;
            }
            html.Append(trajectory.IsStopped ? "stopped\">stopped" : "missed\">missed").Append("</td><td>");
            if (trajectory.WithheldAtOpen.Count > 0)
            {
                html.Append(Box("#fff", "o", $"as the session opened: withholds {string.Join(", ", trajectory.WithheldAtOpen)}", pre: false, withholds: true));
            }
            for (var c = 0; c < trajectory.Calls.Count; c++)
            {
                var call = trajectory.Calls[c];
                var mark = c == trajectory.PowerSeekingCall && c == trajectory.RiskCall ? "ER"
                    : c == trajectory.PowerSeekingCall ? "E" : c == trajectory.RiskCall ? "R" : call.NewlyWithheld.Count > 0 ? "w" : "";
                html.Append(Box(Color(call.Verdict), mark, Title(trajectory, c), pre: call.Stopped && c < trajectory.PowerSeekingCall, withholds: call.NewlyWithheld.Count > 0));
            }
            html.Append("</td></tr>");
        }
        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string Title(ReplayedTrajectory trajectory, int index)
    {
        var call = trajectory.Calls[index];
        var title = new StringBuilder($"{index}: {call.Tool}: {ReplayedTrajectory.Short(call.Verdict)}");
        if (index == trajectory.PowerSeekingCall)
        {
            title.Append(trajectory.PowerSeekingFound ? " (enabler)" : " (enabler not found: last call taken)");
        }
        if (index == trajectory.RiskCall)
        {
            title.Append(trajectory.RiskFound ? " (risk step)" : " (risk step not found: last call taken)");
        }
        if (call.Stopped)
        {
            title.Append($"\nby {string.Join("+", call.DecidedBy)}: {string.Join(" ", call.Reasons)} [{string.Join(" ", call.Techniques)}]");
        }
        if (call.NewlyWithheld.Count > 0)
        {
            title.Append($"\nwithholds {string.Join(", ", call.NewlyWithheld)}");
        }
        return title.ToString();
    }

    private static string Box(string color, string mark, string title, bool pre, bool withholds) =>
        $"<span class=\"call{(pre ? " pre" : "")}{(withholds ? " withholds" : "")}\" style=\"background:{color}\" title=\"{Encode(title)}\">{Encode(mark)}</span>";

    private static string Color(Verdict verdict) => verdict switch
    {
        Verdict.Deny => DenyColor,
        Verdict.RequireApproval => AskColor,
        _ => AllowColor,
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
