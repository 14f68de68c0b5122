using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// Power regulation from taint: a session that holds secrets or personal data loses its outbound tools;
/// one that ingested injected instructions loses tools that run code or move money.
/// </summary>
public sealed class TaintVisibilityRule : IVisibilityRule
{
    /// <inheritdoc />
    public void Apply(SessionState session, List<WithheldTool> withheld)
    {
        if ((session.Taint & (Taint.Secrets | Taint.Pii)) != 0)
        {
            var reason = $"The session holds {string.Join(" and ", TaintNames.Of(session.Taint & (Taint.Secrets | Taint.Pii)))} data; this tool could carry it out (exfiltration).";
            foreach (var tool in session.Tools.Values)
            {
                if ((tool.Capabilities & (Capability.NetEgress | Capability.Messaging)) != 0)
                {
                    withheld.Add(new WithheldTool(tool.Name, reason, [Techniques.ToolToToolExfiltration, Techniques.HttpPostExfiltration, Techniques.DataProvenanceTracking], tool.Server));
                }
            }
        }
        if ((session.Taint & Taint.UntrustedInstructions) != 0)
        {
            const string reason = "The session ingested instructions from tool output; tools that run code or move money are withheld.";
            foreach (var tool in session.Tools.Values)
            {
                if ((tool.Capabilities & (Capability.Exec | Capability.Payments | Capability.Identity)) != 0)
                {
                    withheld.Add(new WithheldTool(tool.Name, reason, [Techniques.PromptInjection], tool.Server));
                }
            }
        }
    }
}
