namespace SafeMcp.Grains.Decisions;

/// <summary>SAFE-MCP technique and mitigation ids the built-in rules act on.</summary>
public static class Techniques
{
    public const string CommandInjection = "SAFE-T1101";
    public const string PromptInjection = "SAFE-T1102";
    public const string OverPrivilegedToolAbuse = "SAFE-T1104";
    public const string PathTraversal = "SAFE-T1105";
    public const string AutonomousLoop = "SAFE-T1106";
    public const string HighPrivilegeToolAbuse = "SAFE-T1302";
    public const string HostPrivilegeEscalation = "SAFE-T1305";
    public const string FileCredentialHarvest = "SAFE-T1502";
    public const string ParameterExfiltration = "SAFE-T1911";
    public const string HttpPostExfiltration = "SAFE-T1913";
    public const string ToolToToolExfiltration = "SAFE-T1914";
    public const string DataDestruction = "SAFE-T2101";
    public const string FraudulentTransactions = "SAFE-T2104";

    /// <summary>Mitigation: audit logging (defense evasion removes logs; no technique id of its own).</summary>
    public const string AuditLogging = "SAFE-M-12";

    /// <summary>Mitigation: explicit privilege boundaries.</summary>
    public const string ExplicitPrivilegeBoundaries = "SAFE-M-29";

    /// <summary>Mitigation: data provenance tracking (taint).</summary>
    public const string DataProvenanceTracking = "SAFE-M-26";
}
