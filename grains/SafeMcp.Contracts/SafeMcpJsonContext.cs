using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeMcp.Contracts;

/// <summary>Source-generated JSON metadata for every wire type (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = SafeMcpJsonContext.MaxDepth)]
[JsonSerializable(typeof(ToolDescriptor))]
[JsonSerializable(typeof(OpenSessionRequest))]
[JsonSerializable(typeof(DecideRequest))]
[JsonSerializable(typeof(Decision))]
[JsonSerializable(typeof(IReadOnlyList<Decision>))]
[JsonSerializable(typeof(OutcomeReport))]
[JsonSerializable(typeof(IngestedContent))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(ServerTools))]
[JsonSerializable(typeof(SessionSnapshot))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(Verdict))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(SiloRuntimeStats))]
[JsonSerializable(typeof(ClusterMembers))]
[JsonSerializable(typeof(IReadOnlyList<CoverageEntry>))]
[JsonSerializable(typeof(RegisteredTool))]
[JsonSerializable(typeof(IReadOnlyList<RegisteredTool>))]
[JsonSerializable(typeof(ApproveToolRequest))]
[JsonSerializable(typeof(GrantRequest))]
[JsonSerializable(typeof(GrantView))]
[JsonSerializable(typeof(IReadOnlyList<GrantView>))]
[JsonSerializable(typeof(GrantPolicy))]
[JsonSerializable(typeof(IReadOnlyList<BaselineView>))]
public sealed partial class SafeMcpJsonContext : JsonSerializerContext
{
    /// <summary>Deepest JSON nesting accepted in a request (arguments included).</summary>
    public const int MaxDepth = 32;
}
