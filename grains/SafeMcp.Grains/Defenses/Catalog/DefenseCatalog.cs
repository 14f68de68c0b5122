using System.Text;
using SafeMcp.Contracts;
using T = SafeMcp.Grains.Decisions.Techniques;

namespace SafeMcp.Grains.Defenses.Catalog;

/// <summary>
/// The coverage table: every SAFE-MCP technique a layer of the cluster acts on, the layers (their <c>DecidedBy</c>
/// names) and the mitigation ids they implement. Served by <c>GET /v1/catalog</c> and written to <c>docs/defenses.md</c>.
/// </summary>
public static class DefenseCatalog
{
    /// <summary>Mitigation names of the SAFE-MCP catalogue, for the ids the table cites.</summary>
    public static IReadOnlyDictionary<string, string> MitigationNames { get; } = new Dictionary<string, string>
    {
        [T.DescriptionIntegrity] = "Cryptographic Integrity for Tool Descriptions",
        [T.UnicodeSanitization] = "Unicode Sanitization and Filtering",
        ["SAFE-M-5"] = "Content Sanitization",
        [T.ToolRegistryVerification] = "Tool Registry Verification",
        [T.AutomatedScanning] = "Automated Scanning",
        [T.BehavioralMonitoring] = "Behavioral Monitoring",
        [T.AuditLogging] = "Audit Logging",
        [T.ScopeLimiting] = "Token Scope Limiting",
        [T.AnomalyDetection] = "Anomaly Detection",
        [T.OutputValidation] = "Semantic Output Validation",
        [T.DataProvenanceTracking] = "Data Provenance Tracking",
        [T.ExplicitPrivilegeBoundaries] = "Explicit Privilege Boundaries",
        [T.MetadataSanitization] = "Metadata Sanitization",
        [T.PromptContextValidation] = "Prompt Context Validation",
        [T.SchemaValidation] = "Schema Validation",
        [T.ToolPinning] = "Tool and Package Pinning",
        [T.CrossServerProtection] = "Cross-Server Protection",
        [T.SteganographyScanner] = "Steganography Scanner",
        [T.InputValidation] = "Input Validation Pipeline",
    };

    /// <summary>The table, ordered by technique id.</summary>
    public static IReadOnlyList<CoverageEntry> Entries { get; } = new CoverageEntry[]
    {
        new(T.ToolPoisoning, "Tool Poisoning Attack (TPA)", ["poisoning"], "Instruction markers, directives aimed at the model, concealment orders and exfiltration directions in a tool's metadata withhold the tool at open.", [T.AutomatedScanning, T.MetadataSanitization, "SAFE-M-5"]),
        new(T.CommandInjection, "Command Injection", ["rules", "arguments"], "Shell chaining or substitution in a command argument: denied when it chains a sensitive command, else needs approval.", [T.InputValidation]),
        new(T.PromptInjection, "Prompt Injection (Multiple Vectors)", ["rules", "filter"], "Results are scanned for instructions and hidden Unicode; a tainted session's sensitive calls need approval and its exec/payment tools are withheld.", [T.OutputValidation, T.DataProvenanceTracking]),
        new(T.FakeToolInvocation, "Fake Tool Invocation (Function Spoofing)", ["session"], "A call to a tool the session was not given is denied.", [T.ToolRegistryVerification]),
        new(T.OverPrivilegedToolAbuse, "Over-Privileged Tool Abuse", ["rules"], "A tool whose text says it reaches hidden services (onion sites, the dark web), or a URL to a .onion or .i2p host, needs approval unless the task names them.", [T.ExplicitPrivilegeBoundaries]),
        new(T.PathTraversal, "Path Traversal via File Tool", ["rules", "arguments"], "'..' segments, encoded or not, in an argument are denied; a path of climbs alone ('..', '../..') through a tool that only reads names a directory and is not.", [T.InputValidation]),
        new(T.AutonomousLoop, "Autonomous Loop Exploit", ["rate-limit", "loop"], "Token buckets per tenant, session and tool deny bursts; the same call repeated in a session (compared in canonical JSON) needs approval.", [T.BehavioralMonitoring]),
        new(T.RugPull, "MCP Rug Pull Attack", ["registry"], "Each tool's name, description, schema and annotations are pinned by hash per tenant and server; a changed tool is quarantined until an admin approves it, and so are the tools of a server name an agent key declares first (a new name cannot launder a changed tool).", [T.DescriptionIntegrity, T.ToolPinning, T.ToolRegistryVerification]),
        new(T.PersistentToolRedefinition, "Persistent Tool Redefinition", ["registry"], "A new tool, or one removed and added again, is quarantined until approved.", [T.ToolPinning, T.ToolRegistryVerification]),
        new(T.CrossServerToolShadowing, "Cross-Server Tool Shadowing", ["poisoning"], "Metadata that redirects, replaces or forbids other tools withholds the tool.", [T.CrossServerProtection, T.AutomatedScanning]),
        new(T.HighPrivilegeToolAbuse, "High-Privilege Tool Abuse", ["rules", "grants"], "Privilege changes are denied unless the task asks for them; tools a tenant marks as needing a grant (names matched case- and width-folded) stay withheld until a just-in-time grant, and again once it expires.", [T.ExplicitPrivilegeBoundaries, T.ScopeLimiting]),
        new(T.HostPrivilegeEscalation, "Host OS Priv-Esc (RCE)", ["rules"], "Reading the system's password database is denied; a search tool asked for exploits of a system, zero-days, privilege escalation or ways to hack in needs approval (vulnerability and CVE lookups, and queries with a defensive aim, do not).", [T.ExplicitPrivilegeBoundaries]),
        new(T.ConfusedDeputy, "Confused Deputy Attack", ["rules"], "A private-network host the task does not name, reached by a URL, a remote shell or copy (ssh, scp, rsync), a scanner (nmap) or a host argument, needs approval.", [T.ExplicitPrivilegeBoundaries]),
        new(T.PrivilegedToolViaPromptManipulation, "Privileged Tool Invocation via Prompt Manipulation", ["rules"], "When the task asks for work that leaves no trace (untraceable, off the books, no logs, undetected), every call that acts on the world needs approval.", [T.AuditLogging, T.PromptContextValidation]),
        new(T.InstructionSteganography, "Instruction Steganography", ["poisoning"], "Tag characters, zero-width and bidi controls, blank runs and encoded text in metadata withhold the tool.", [T.UnicodeSanitization, T.SteganographyScanner]),
        new(T.FullSchemaPoisoning, "Full-Schema Poisoning (FSP)", ["poisoning"], "Every string of the input schema (descriptions, titles, defaults, enums, property names) is scanned like the description.", [T.MetadataSanitization, T.AutomatedScanning]),
        new(T.FileCredentialHarvest, "File-Based Credential Harvest", ["rules"], "Reading a credential location (dotenv, SSH keys, cloud, cluster, registry and Terraform credentials), also percent-encoded, fullwidth, as a backup or through a glob, taints the session with secrets.", [T.DataProvenanceTracking]),
        new(T.AutomatedDataHarvesting, "Automated Data Harvesting", ["baseline"], "A tool's call rate in a tenant far above its learned baseline needs approval.", [T.BehavioralMonitoring, T.AnomalyDetection]),
        new(T.DatabaseDump, "Database Dump", ["baseline"], "A result far larger than the tool's learned result-size baseline withholds the tool from the session.", [T.AnomalyDetection, T.BehavioralMonitoring]),
        new(T.ParameterExfiltration, "Parameter Exfiltration", ["rules", "arguments"], "A secret value in a call's arguments, also base64, percent-encoded, reversed, zero-width-separated, split across two calls or a fragment of one the session read, is denied to outbound tools and needs approval elsewhere.", [T.InputValidation, T.DataProvenanceTracking]),
        new(T.HttpPostExfiltration, "HTTP POST Exfil", ["rules", "filter"], "Outbound tools are denied and withheld once the session holds secrets or personal data.", [T.DataProvenanceTracking]),
        new(T.ToolToToolExfiltration, "Tool-to-Tool Exfil", ["rules", "filter"], "Taint follows data from one tool's result to another tool's call; a tool whose name says nothing of what it does needs approval in a tainted session.", [T.DataProvenanceTracking]),
        new(T.DataDestruction, "Data Destruction", ["rules"], "Mass destruction and log deletion are denied; deletion the task does not ask for needs approval.", [T.AuditLogging]),
        new(T.FraudulentTransactions, "Fraudulent Transactions", ["rules"], "Payments the task does not ask for need approval.", [T.ExplicitPrivilegeBoundaries]),
        new("SAFE-M-38", "Schema Validation (mitigation)", ["schema"], "Arguments are validated against the tool's input schema (type, properties, required, additionalProperties, enum, items, bounds, lengths, pattern); a violation is denied.", [T.SchemaValidation]),
        new("SAFE-M-12", "Audit Logging (mitigation)", ["audit"], "Every decision is chained by hash per tenant at commit; 'safemcp audit verify' finds modified, reordered or deleted rows.", [T.AuditLogging]),
    }.OrderBy(e => e.Technique.StartsWith("SAFE-M", StringComparison.Ordinal)).ThenBy(e => e.Technique, StringComparer.Ordinal).ToArray();

    /// <summary>The table as markdown.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# SAFE-MCP coverage");
        text.AppendLine();
        text.AppendLine("Which SAFE-MCP techniques the cluster acts on, which decision layers (`decidedBy` in a decision) act, and the");
        text.AppendLine("mitigations they implement. Generated by `safemcp defenses catalog`; served as JSON by `GET /v1/catalog`.");
        text.AppendLine();
        text.AppendLine("| Technique | Name | Detected by | How | Mitigations |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var entry in Entries)
        {
            var mitigations = string.Join(", ", entry.Mitigations.Select(m => MitigationNames.TryGetValue(m, out var name) ? $"{m} ({name})" : m));
            text.AppendLine($"| {entry.Technique} | {entry.Name} | {string.Join(", ", entry.DetectedBy.Select(l => $"`{l}`"))} | {entry.How} | {mitigations} |");
        }
        text.AppendLine();
        text.AppendLine("## Measuring and operating");
        text.AppendLine();
        text.AppendLine("- `safemcp defenses eval-poisoning [--seed N] [--per-technique N]`: precision and recall of the poisoning scanner per");
        text.AppendLine("  technique. Benign set: the 330 ToolEmu tool descriptions of the shared reference data; poisoned set: variants of them");
        text.AppendLine("  made by a seeded generator per technique. The generator's payload vocabulary was written with the scanner, so its");
        text.AppendLine("  recall is an upper bound; the tests add published real-world examples and benign reference-server descriptions.");
        text.AppendLine("- `safemcp defenses bench [--rules-only]`: durable decisions a second and latency percentiles through the session runtime");
        text.AppendLine("  and SQLite group commit, with every layer or the rule layer only.");
        text.AppendLine("- `safemcp audit verify --sqlite FILE` (exit code 1 on a modified, reordered or deleted row) and");
        text.AppendLine("  `safemcp audit export --sqlite FILE --format jsonl|cef`; on a cluster `--postgres CONN --tenant ID` instead of `--sqlite`");
        text.AppendLine("  (one tenant at a time, read under row-level security). Both stores hash the same bytes, so one verifier checks both.");
        text.AppendLine("- Registry: `GET /v1/registry/tools?status=quarantined`, `POST /v1/registry/servers/{server}/tools/{tool}/approve`");
        text.AppendLine("  with `{\"hash\": \"<observedHash>\"}`. The first tool list a tenant's server shows is pinned as approved (trust on first");
        text.AppendLine("  use; `Defenses:Registry:QuarantineFirstSight=true` quarantines it too). Sessions name their server in `server` when opened.");
        text.AppendLine("- Registry approvals, grants and the grant policy need an admin key of the tenant (`safemcp tenant add-key <tenant> --admin`);");
        text.AppendLine("  agent keys, which MCP servers hold, get `403 admin_key_required`.");
        text.AppendLine("- Grants: `PUT /v1/grants/policy` (tools and capabilities that need a grant), `POST /v1/grants`, `DELETE /v1/grants/{id}`.");
        text.AppendLine("- Tunables: configuration sections `Defenses:Registry`, `Defenses:Grants`, `Defenses:RateLimits`, `Defenses:Baselines`");
        text.AppendLine("  (e.g. environment variable `Defenses__RateLimits__SessionPerSecond=20`).");
        text.AppendLine("- Cluster mode: tool pins, grants and grant policies are in PostgreSQL, one state for every silo. A silo serves them from");
        text.AppendLine("  memory for at most `Defenses:Registry:RefreshInterval` and `Defenses:Grants:RefreshInterval` (default 5 s): the bound on");
        text.AppendLine("  how long an approval, quarantine, grant or revocation made through another silo takes to apply to its decisions.");
        return text.ToString();
    }
}
