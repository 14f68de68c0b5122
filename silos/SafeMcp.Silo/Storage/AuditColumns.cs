using System.Text.Json;
using SafeMcp.Contracts;

namespace SafeMcp.Silo.Storage;

/// <summary>How decision fields are written to and read from audit columns; shared by every store.</summary>
internal static class AuditColumns
{
    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.RequireApproval => "require_approval",
        _ => "deny",
    };

    public static Verdict ParseVerdict(string name) => name switch
    {
        "allow" => Verdict.Allow,
        "require_approval" => Verdict.RequireApproval,
        "deny" => Verdict.Deny,
        _ => throw new InvalidDataException($"Unknown verdict '{name}' in the audit table."),
    };

    public static string List(IReadOnlyList<string> items) => JsonSerializer.Serialize(items, AuditJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> ParseList(string json) => JsonSerializer.Deserialize(json, AuditJsonContext.Default.IReadOnlyListString) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AuditJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
