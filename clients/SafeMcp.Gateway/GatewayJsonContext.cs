using System.Text.Json.Serialization;
using SafeMcp.Gateway.Supervision;

namespace SafeMcp.Gateway;

/// <summary>Source-generated JSON of the gateway's own documents.</summary>
[JsonSerializable(typeof(ApprovalClaim))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
