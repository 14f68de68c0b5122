using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeMcp.Silo.WebConsole;

/// <summary>Source-generated JSON of the console's own answers (camelCase, nulls omitted, as the rest of the API).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<ConsoleDecision>))]
[JsonSerializable(typeof(WorldModelStatus))]
[JsonSerializable(typeof(AuditStatus))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
