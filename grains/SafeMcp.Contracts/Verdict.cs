using System.Text.Json.Serialization;

namespace SafeMcp.Contracts;

/// <summary>What the cluster says of one <c>tools/call</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>The call may run.</summary>
    [JsonStringEnumMemberName("allow")] Allow = 0,

    /// <summary>A human must confirm the call before it runs.</summary>
    [JsonStringEnumMemberName("require_approval")] RequireApproval = 1,

    /// <summary>The call must not run.</summary>
    [JsonStringEnumMemberName("deny")] Deny = 2,
}
