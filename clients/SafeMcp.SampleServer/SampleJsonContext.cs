using System.Text.Json.Serialization;

namespace SafeMcp.SampleServer;

/// <summary>Source-generated JSON for what the sample server writes itself.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
