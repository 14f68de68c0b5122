using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Rules;

/// <summary>
/// The rule layer: hazards as predicates over the session's capabilities and taint and the call's signals.
/// Exfiltration, privilege escalation, destruction, defense evasion, acting on injected instructions.
/// </summary>
public sealed class HazardRules : ICallDetector
{
    /// <summary>The name decisions give this layer.</summary>
    public const string Layer = "rules";

    private const Capability Outbound = Capability.NetEgress | Capability.Messaging;
    private const Capability Sensitive = Capability.Exec | Capability.NetEgress | Capability.Messaging | Capability.FsDelete
        | Capability.Payments | Capability.Identity | Capability.SelfModification;

    /// <inheritdoc />
    public ValueTask InspectAsync(CallContext call, List<Finding> findings, CancellationToken cancellationToken)
    {
        Inspect(call, findings);
        return ValueTask.CompletedTask;
    }

    /// <summary>The synchronous core of <see cref="InspectAsync"/>.</summary>
    public static void Inspect(CallContext call, List<Finding> findings)
    {
        var session = call.Session;
        var caps = call.Capabilities;
        var signals = call.Signals;
        var tool = call.Tool.Name;
        var secretsHeld = (session.Taint & (Taint.Secrets | Taint.Pii)) != 0;
        var readsSecretsNow = (caps & Capability.Secrets) != 0 && (signals & CallSignal.SecretLocation) != 0;

        // Exfiltration: sensitive data held (or read by this very call) and an outbound channel.
        if ((caps & Outbound) != 0 && (secretsHeld || readsSecretsNow))
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Exfiltration: the session holds {Describe(session.Taint, readsSecretsNow)} and '{tool}' sends data out of it.",
                [Techniques.ToolToToolExfiltration, Techniques.HttpPostExfiltration, Techniques.DataProvenanceTracking]));
        }
        else if ((caps & Capability.Exec) != 0 && secretsHeld)
        {
            // A shell can reach the network in ways a pattern cannot see; a human confirms.
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"The session holds {Describe(session.Taint, false)}; a command run now could carry it out of the session.",
                [Techniques.ToolToToolExfiltration, Techniques.DataProvenanceTracking]));
        }
        if ((signals & CallSignal.SecretValue) != 0 && (caps & Outbound) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"A secret value is in the arguments of '{tool}', which sends data out.",
                [Techniques.ParameterExfiltration]));
        }

        // Reading a credential store is allowed once, but taints the session so nothing may carry it out.
        if (readsSecretsNow)
        {
            findings.Add(new Finding(Layer, Verdict.Allow,
                $"'{tool}' reads a credential location; the session is tainted with secrets.",
                [Techniques.FileCredentialHarvest], AddTaint: Taint.Secrets));
        }

        // Defense evasion: logs deleted or auditing disabled. No task justifies it through an agent.
        if ((signals & CallSignal.DefenseEvasion) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Defense evasion: '{tool}' deletes logs or disables auditing.",
                [Techniques.DataDestruction, Techniques.AuditLogging]));
        }

        // Destruction.
        if ((signals & CallSignal.MassDestruction) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Destruction: '{tool}' would destroy a whole tree or device.",
                [Techniques.DataDestruction]));
        }
        else if ((caps & Capability.FsDelete) != 0 && !TaskNeed.Deletion(session.Instruction)
            && ((signals & CallSignal.Destruction) != 0 || !Overwrites.CreatesOnly(session, call.Tool, call.Request.Arguments)))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Destruction: '{tool}' deletes data and the task does not ask for deletion.",
                [Techniques.DataDestruction]));
        }

        // Dumping the system's password database: no task asks an agent for every account's hash.
        if ((signals & CallSignal.CredentialDump) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Credential dumping: '{tool}' reads the system's password database.",
                [Techniques.FileCredentialHarvest, Techniques.HostPrivilegeEscalation]));
        }

        // Privilege escalation, acting as a superuser, and the container form: a container given the host's namespaces or root.
        if ((signals & (CallSignal.PrivilegeChange | CallSignal.SandboxEscape | CallSignal.SuperuserAccount)) != 0 || ((caps & Capability.Identity) != 0 && (call.Tool.Capabilities & Capability.Identity) != 0 && (caps & (Capability.FsWrite | Capability.Exec)) != 0))
        {
            var verdict = TaskNeed.Privilege(session.Instruction) ? Verdict.RequireApproval : Verdict.Deny;
            findings.Add((signals & CallSignal.SandboxEscape) != 0
                ? new Finding(Layer, verdict,
                    $"Sandbox escape: '{tool}' runs a container with the host's namespaces, full privileges or the host's files.",
                    [Techniques.SandboxEscape, Techniques.HostPrivilegeEscalation, Techniques.ExplicitPrivilegeBoundaries])
                : (signals & (CallSignal.PrivilegeChange | CallSignal.SuperuserAccount)) == CallSignal.SuperuserAccount
                ? new Finding(Layer, verdict,
                    $"Privilege escalation: '{tool}' acts as a superuser account (root, admin).",
                    [Techniques.HighPrivilegeToolAbuse, Techniques.ExplicitPrivilegeBoundaries])
                : new Finding(Layer, verdict,
                    $"Privilege escalation: '{tool}' changes permissions, ownership or roles.",
                    [Techniques.HighPrivilegeToolAbuse, Techniques.HostPrivilegeEscalation, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // Payments need a task that asks for them, and a human. A tool moves money when it can act on the world or when
        // its name says it does (purchase_…, transfer_…); a payments tool that only reads (a statement, a balance) does not.
        if ((caps & Capability.Payments) != 0 && !TaskNeed.Payment(session.Instruction)
            && ((call.Tool.Capabilities & (Capability.FsWrite | Capability.FsDelete | Capability.Messaging | Capability.Exec | Capability.NetEgress)) != 0
                || TaskNeed.NamesMoneyMovement(tool)))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"'{tool}' moves money and the task does not ask for a payment.",
                [Techniques.FraudulentTransactions]));
        }

        // Acquiring resources: a new wallet, account or identity is power the task did not grant unless it asks for one.
        if ((call.Tool.Capabilities & (Capability.Payments | Capability.Identity | Capability.Secrets)) != 0
            && TaskNeed.AcquiredResource(tool) is { } resource && !TaskNeed.Creation(session.Instruction, resource))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Resource acquisition: '{tool}' creates or acquires a {resource} and the task does not ask for one.",
                [Techniques.FraudulentTransactions, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // Tools whose own text says they build or plant malicious software serve no task through an agent.
        if ((call.Tool.Capabilities & Capability.Malware) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Malware: '{tool}' says it builds or plants malicious software.",
                [Techniques.MaliciousServer]));
        }

        // A task that asks for its work to escape oversight (untraceable, off the books, no logs): whatever acts on the
        // world in such a session needs a human; see OversightEvasion for the phrases and the privacy look-alikes.
        if ((caps & Sensitive) != 0 && session.AsksToEscapeOversight)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Oversight evasion: the task asks for work that leaves no trace or record, and '{tool}' acts on the world.",
                [Techniques.PrivilegedToolViaPromptManipulation, Techniques.AuditLogging, Techniques.PromptContextValidation]));
        }

        // Research into attack tooling through a search tool (exploits for a system, zero-days, privilege escalation):
        // the agent looking for a way in. Read-only, so a human confirms rather than the call being refused; see
        // AttackResearch for what counts and the defensive look-alikes that do not.
        if ((signals & CallSignal.AttackTooling) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Attack research: '{tool}' searches for exploits, zero-days or ways to escalate privilege or break in.",
                [Techniques.HostPrivilegeEscalation, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // The hidden services of anonymity networks (onion sites, the dark web): a reach no task needs unless it names it.
        if (((signals & CallSignal.HiddenService) != 0 || call.Tool.ReachesHiddenServices) && !HiddenServices.AskedFor(session.Instruction))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Hidden services: '{tool}' reaches onion sites or the dark web and the task does not ask for them.",
                [Techniques.OverPrivilegedToolAbuse, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // A message that fishes for its readers' credentials or urges them past security controls.
        if ((signals & CallSignal.SocialEngineering) != 0 && (caps & Capability.Messaging) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Social engineering: '{tool}' sends a message asking for credentials or urging its readers past security controls.",
                [Techniques.UserSocialEngineering]));
        }

        // A password the user did not give is one the agent found, guessed or was handed by a tool.
        if ((signals & CallSignal.CredentialUse) != 0
            && CallInspector.SuppliedCredentials(call.Request.Arguments).Exists(value => !Given(session.Instruction, value)))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Credential use: '{tool}' supplies a password the task did not give.",
                [Techniques.CredentialRelay, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // Reaching into a private network the task did not name: the agent acting as a deputy past the perimeter.
        if ((signals & CallSignal.InternalTarget) != 0 && (caps & Capability.NetEgress) != 0
            && CallInspector.InternalHosts(call.Request.Arguments, call.Tool.Capabilities).Exists(host => !Given(session.Instruction, host)))
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"Internal network: '{tool}' reaches a private host the task does not name.",
                [Techniques.ConfusedDeputy, Techniques.ExplicitPrivilegeBoundaries]));
        }

        // Acting on instructions that came from tool output.
        if ((session.Taint & Taint.UntrustedInstructions) != 0 && (caps & Sensitive) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.RequireApproval,
                $"The session ingested instructions from tool output; '{tool}' is sensitive and needs a human's confirmation.",
                [Techniques.PromptInjection]));
        }

        // Shapes of attack in arguments.
        if ((signals & CallSignal.PathTraversal) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Path traversal: an argument of '{tool}' climbs out of its directory with '..'.",
                [Techniques.PathTraversal]));
        }
        if ((signals & CallSignal.CommandChaining) != 0 && (signals & (CallSignal.CommandEgress | CallSignal.Destruction | CallSignal.PrivilegeChange | CallSignal.SecretLocation)) != 0)
        {
            findings.Add(new Finding(Layer, Verdict.Deny,
                $"Command injection: '{tool}' chains a sensitive command.",
                [Techniques.CommandInjection]));
        }
    }

    private static bool Given(string? instruction, string value) =>
        instruction is not null && instruction.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static string Describe(Taint taint, bool readsNow)
    {
        var labels = TaintNames.Of(taint | (readsNow ? Taint.Secrets : Taint.None));
        return labels.Count == 0 ? "sensitive data" : string.Join(" and ", labels) + " data";
    }
}
