using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using SafeMcp.Contracts;
using SafeMcp.Grains.Text;

namespace SafeMcp.Grains.Defenses.Registry;

/// <summary>
/// The pinned hash of a tool: SHA-256 over a canonical form of its name, title, description, input schema (object keys
/// sorted, no insignificant whitespace) and annotations, so re-serialisation by a client does not look like a change.
/// </summary>
public static class ToolFingerprint
{
    private static readonly ConditionalWeakTable<ToolDescriptor, string> s_cache = new();

    /// <summary>The hash of <paramref name="tool"/>, lower-case hex; computed once per descriptor instance.</summary>
    public static string Of(ToolDescriptor tool) => s_cache.GetValue(tool, Compute);

    private static string Compute(ToolDescriptor tool)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            writer.WriteString("title", tool.Title);
            writer.WriteString("description", tool.Description);
            writer.WritePropertyName("inputSchema");
            if (tool.InputSchema is { } schema && schema.ValueKind != JsonValueKind.Undefined)
            {
                CanonicalJson.Write(writer, schema);
            }
            else
            {
                writer.WriteNullValue();
            }
            writer.WritePropertyName("annotations");
            if (tool.Annotations is { } a)
            {
                writer.WriteStartObject();
                writer.WriteString("title", a.Title);
                WriteFlag(writer, "readOnlyHint", a.ReadOnlyHint);
                WriteFlag(writer, "destructiveHint", a.DestructiveHint);
                WriteFlag(writer, "idempotentHint", a.IdempotentHint);
                WriteFlag(writer, "openWorldHint", a.OpenWorldHint);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }
            writer.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteFlag(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The canonical text hashed for <paramref name="tool"/>'s definition, as stored with a pin.</summary>
    public static string DefinitionJson(ToolDescriptor tool) =>
        JsonSerializer.Serialize(tool, SafeMcpJsonContext.Default.ToolDescriptor);

    /// <summary>Reads a definition stored by <see cref="DefinitionJson"/>.</summary>
    public static ToolDescriptor ParseDefinition(string json) =>
        JsonSerializer.Deserialize(json, SafeMcpJsonContext.Default.ToolDescriptor) ?? throw new InvalidDataException("Empty tool definition in the registry.");
}
