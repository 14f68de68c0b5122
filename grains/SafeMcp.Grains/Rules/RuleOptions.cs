using SafeMcp.Contracts;

namespace SafeMcp.Grains.Rules;

/// <summary>Tunables of the rule layer (<see cref="HazardRules"/>), bound from the <c>Rules</c> configuration section.</summary>
public sealed class RuleOptions
{
    /// <summary>
    /// What a call of a tool the classifier gives no capability (<c>transmit</c>, <c>sync_notes</c>, <c>t1</c>) gets in a
    /// session tainted with secrets, personal data or injected instructions: such a name says nothing about whether the
    /// tool sends data out, so it is not trusted not to. <see cref="Verdict.RequireApproval"/> (the default),
    /// <see cref="Verdict.Deny"/>, or <see cref="Verdict.Allow"/> to trust unclassified tools as before.
    /// </summary>
    public Verdict UnclassifiedToolInTaintedSession { get; set; } = Verdict.RequireApproval;
}
