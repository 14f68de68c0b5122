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
    public const string SandboxEscape = "SAFE-T1303";
    public const string CredentialRelay = "SAFE-T1304";
    public const string HostPrivilegeEscalation = "SAFE-T1305";
    public const string ConfusedDeputy = "SAFE-T1307";
    public const string PrivilegedToolViaPromptManipulation = "SAFE-T1309";
    public const string FileCredentialHarvest = "SAFE-T1502";
    public const string ParameterExfiltration = "SAFE-T1911";
    public const string HttpPostExfiltration = "SAFE-T1913";
    public const string ToolToToolExfiltration = "SAFE-T1914";
    public const string DataDestruction = "SAFE-T2101";
    public const string FraudulentTransactions = "SAFE-T2104";
    public const string ToolPoisoning = "SAFE-T1001";
    public const string MaliciousServer = "SAFE-T1003";
    public const string UserSocialEngineering = "SAFE-T1006";
    public const string FakeToolInvocation = "SAFE-T1103";
    public const string RugPull = "SAFE-T1201";
    public const string PersistentToolRedefinition = "SAFE-T1205";
    public const string CrossServerToolShadowing = "SAFE-T1301";
    public const string InstructionSteganography = "SAFE-T1402";
    public const string FullSchemaPoisoning = "SAFE-T1501";
    public const string AutomatedDataHarvesting = "SAFE-T1801";
    public const string DatabaseDump = "SAFE-T1803";

    /// <summary>Mitigation: cryptographic integrity for tool descriptions (pinned hashes).</summary>
    public const string DescriptionIntegrity = "SAFE-M-2";

    /// <summary>Mitigation: Unicode sanitization and filtering.</summary>
    public const string UnicodeSanitization = "SAFE-M-4";

    /// <summary>Mitigation: tool registry verification.</summary>
    public const string ToolRegistryVerification = "SAFE-M-6";

    /// <summary>Mitigation: automated scanning of tool metadata.</summary>
    public const string AutomatedScanning = "SAFE-M-10";

    /// <summary>Mitigation: behavioral monitoring.</summary>
    public const string BehavioralMonitoring = "SAFE-M-11";

    /// <summary>Mitigation: token scope limiting (grants scoped to a session, a tool and a time).</summary>
    public const string ScopeLimiting = "SAFE-M-16";

    /// <summary>Mitigation: anomaly detection.</summary>
    public const string AnomalyDetection = "SAFE-M-20";

    /// <summary>Mitigation: semantic output validation (tool results scanned).</summary>
    public const string OutputValidation = "SAFE-M-22";

    /// <summary>Mitigation: metadata sanitization.</summary>
    public const string MetadataSanitization = "SAFE-M-37";

    /// <summary>Mitigation: schema validation of arguments.</summary>
    public const string SchemaValidation = "SAFE-M-38";

    /// <summary>Mitigation: tool and package pinning.</summary>
    public const string ToolPinning = "SAFE-M-41";

    /// <summary>Mitigation: cross-server protection.</summary>
    public const string CrossServerProtection = "SAFE-M-42";

    /// <summary>Mitigation: steganography scanner.</summary>
    public const string SteganographyScanner = "SAFE-M-43";

    /// <summary>Mitigation: input validation pipeline.</summary>
    public const string InputValidation = "SAFE-M-52";

    /// <summary>Mitigation: audit logging (defense evasion removes logs; no technique id of its own).</summary>
    public const string AuditLogging = "SAFE-M-12";

    /// <summary>Mitigation: explicit privilege boundaries.</summary>
    public const string ExplicitPrivilegeBoundaries = "SAFE-M-29";

    /// <summary>Mitigation: prompt context validation (what the instruction asks for is checked, not only the calls).</summary>
    public const string PromptContextValidation = "SAFE-M-39";

    /// <summary>Mitigation: data provenance tracking (taint).</summary>
    public const string DataProvenanceTracking = "SAFE-M-26";
}
