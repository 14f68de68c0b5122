using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SafeMcp.Grains.Defenses.Poisoning.Evaluation;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
