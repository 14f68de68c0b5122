using System.Buffers;
using System.Text.Json;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>A call's arguments as the one JSON object the cluster inspects.</summary>
internal static class CallArguments
{
    public static JsonElement? ToJson(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
