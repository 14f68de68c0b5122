using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SafeMcp.Grains.Tools;

/// <summary>Source-generated serialization of the JSON Schemas built for tool descriptors (ToolEmu's tools, their poisoned variants).</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ToolSchemaJsonContext : JsonSerializerContext;
