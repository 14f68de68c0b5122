using System.Text.Json;

namespace SafeMcp.Grains.Text;

/// <summary>
/// A JSON value written canonically: object keys sorted by ordinal, no insignificant whitespace. Two documents that
/// differ only in key order or spacing write the same bytes, so hashes over this form see them as one.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Writes <paramref name="element"/> to <paramref name="writer"/> in canonical form.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>The canonical UTF-8 text of <paramref name="element"/>.</summary>
    public static byte[] Utf8(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
