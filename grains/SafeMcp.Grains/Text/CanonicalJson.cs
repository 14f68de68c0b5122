using System.Text.Json;

namespace SafeMcp.Grains.Text;

/// <summary>
/// A JSON value written canonically: object keys sorted by ordinal, no insignificant whitespace. Two documents that
/// differ only in key order or spacing write the same bytes, so hashes over this form see them as one.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Writes <paramref name="element"/> to <paramref name="writer"/> in canonical form.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element) => Write(writer, element, sortKeys: true, strings: null);

    /// <summary>
    /// Writes <paramref name="element"/> without insignificant whitespace, its keys sorted when <paramref name="sortKeys"/>,
    /// every string value passed through <paramref name="strings"/> when given (e.g. to redact it).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element, bool sortKeys, Func<string, string>? strings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in sortKeys ? element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal) : (IEnumerable<JsonProperty>)element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, sortKeys, strings);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, sortKeys, strings);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String when strings is not null:
                writer.WriteStringValue(strings(element.GetString()!));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>The compact text of <paramref name="element"/>, keys sorted when <paramref name="sortKeys"/>, string values through <paramref name="strings"/>.</summary>
    public static string Text(JsonElement element, bool sortKeys, Func<string, string>? strings = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, element, sortKeys, strings);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
