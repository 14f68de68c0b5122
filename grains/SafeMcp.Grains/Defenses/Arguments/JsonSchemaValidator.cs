using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SafeMcp.Grains.Defenses.Arguments;

/// <summary>
/// A validator for the JSON Schema subset MCP tools use: <c>type</c> (one or a list; <c>integer</c> is a number with
/// no fraction), <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (boolean or schema), <c>enum</c>,
/// <c>const</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>minimum</c>/<c>maximum</c> and their exclusive forms,
/// <c>minLength</c>/<c>maxLength</c> (in code points) and <c>pattern</c>. Other keywords are ignored, as the
/// specification asks of unknown keywords.
/// </summary>
public static class JsonSchemaValidator
{
    /// <summary>Deepest nesting validated; deeper values are accepted unread (request bodies are depth-limited already).</summary>
    public const int MaxDepth = 32;

    /// <summary>Errors reported before validation stops.</summary>
    public const int MaxErrors = 8;

    /// <summary>Patterns compiled and kept; beyond it patterns are compiled per use.</summary>
    public const int MaxCachedPatterns = 4096;

    /// <summary>Longest a pattern may run on one value before it counts as a violation (a schema must not stall a decision).</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(20);

    private static readonly ConcurrentDictionary<string, Regex?> s_patterns = new(StringComparer.Ordinal);

    /// <summary>The violations of <paramref name="instance"/> against <paramref name="schema"/>; empty when it conforms.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Validate(schema, instance, new SchemaPath("$"), errors, 0);
        return errors;
    }

    private static void Validate(JsonElement schema, JsonElement value, SchemaPath path, List<string> errors, int depth)
    {
        if (errors.Count >= MaxErrors || depth > MaxDepth)
        {
            return;
        }
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            errors.Add($"{path}: expected {Describe(type)}, got {KindName(value)}");
            return;
        }
        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array && !Contains(allowed, value))
        {
            errors.Add($"{path}: {Shorten(value.GetRawText())} is not one of {Shorten(allowed.GetRawText())}");
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{path}: must be {Shorten(constant.GetRawText())}");
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                ValidateObject(schema, value, path, errors, depth);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, value, path, errors, depth);
                break;
            case JsonValueKind.String:
                ValidateString(schema, value.GetString()!, path, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(schema, value.GetDouble(), path, errors);
                break;
        }
    }

    private static void ValidateObject(JsonElement schema, JsonElement value, SchemaPath path, List<string> errors, int depth)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && !value.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{path}: missing required property '{name.GetString()}'");
                }
            }
        }
        schema.TryGetProperty("additionalProperties", out var additional);
        var parent = path.ToString();
        foreach (var property in value.EnumerateObject())
        {
            var name = property.Name;
            if (hasProperties && properties.TryGetProperty(name, out var propertySchema))
            {
                Validate(propertySchema, property.Value, new SchemaPath(parent, name), errors, depth + 1);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{path}: property '{name}' is not allowed");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Validate(additional, property.Value, new SchemaPath(parent, name), errors, depth + 1);
            }
        }
    }

    private static bool Contains(JsonElement array, JsonElement value)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (JsonElement.DeepEquals(item, value))
            {
                return true;
            }
        }
        return false;
    }

    private static void ValidateArray(JsonElement schema, JsonElement value, SchemaPath path, List<string> errors, int depth)
    {
        var count = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var minItems) && count < minItems)
        {
            errors.Add($"{path}: at least {minItems} items, got {count}");
        }
        if (schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out var maxItems) && count > maxItems)
        {
            errors.Add($"{path}: at most {maxItems} items, got {count}");
        }
        if (schema.TryGetProperty("items", out var items) && items.ValueKind is JsonValueKind.Object or JsonValueKind.False)
        {
            var index = 0;
            var parent = path.ToString();
            foreach (var item in value.EnumerateArray())
            {
                Validate(items, item, new SchemaPath(parent, index: index++), errors, depth + 1);
            }
        }
    }

    private static void ValidateString(JsonElement schema, string text, SchemaPath path, List<string> errors)
    {
        var length = CodePoints(text);
        if (schema.TryGetProperty("minLength", out var min) && min.TryGetInt32(out var minLength) && length < minLength)
        {
            errors.Add($"{path}: at least {minLength} characters, got {length}");
        }
        if (schema.TryGetProperty("maxLength", out var max) && max.TryGetInt32(out var maxLength) && length > maxLength)
        {
            errors.Add($"{path}: at most {maxLength} characters, got {length}");
        }
        if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String)
        {
            var regex = Compile(pattern.GetString()!);
            bool matches;
            try
            {
                matches = regex is not null && regex.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                matches = false;
            }
            if (!matches)
            {
                errors.Add($"{path}: does not match the pattern {Shorten(pattern.GetString()!)}");
            }
        }
    }

    private static void ValidateNumber(JsonElement schema, double number, SchemaPath path, List<string> errors)
    {
        if (schema.TryGetProperty("minimum", out var min) && min.ValueKind == JsonValueKind.Number && number < min.GetDouble())
        {
            errors.Add($"{path}: must be ≥ {min.GetRawText()}");
        }
        if (schema.TryGetProperty("maximum", out var max) && max.ValueKind == JsonValueKind.Number && number > max.GetDouble())
        {
            errors.Add($"{path}: must be ≤ {max.GetRawText()}");
        }
        if (schema.TryGetProperty("exclusiveMinimum", out var xmin) && xmin.ValueKind == JsonValueKind.Number && number <= xmin.GetDouble())
        {
            errors.Add($"{path}: must be > {xmin.GetRawText()}");
        }
        if (schema.TryGetProperty("exclusiveMaximum", out var xmax) && xmax.ValueKind == JsonValueKind.Number && number >= xmax.GetDouble())
        {
            errors.Add($"{path}: must be < {xmax.GetRawText()}");
        }
    }

    private static bool MatchesType(JsonElement type, JsonElement value)
    {
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                return MatchesTypeName(type, value);
            case JsonValueKind.Array:
                foreach (var name in type.EnumerateArray())
                {
                    if (name.ValueKind == JsonValueKind.String && MatchesTypeName(name, value))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return true;
        }
    }

    /// <summary>Whether <paramref name="value"/> is of the type <paramref name="name"/> (a JSON string, compared in place).</summary>
    private static bool MatchesTypeName(JsonElement name, JsonElement value) =>
        name.ValueEquals("object") ? value.ValueKind == JsonValueKind.Object
        : name.ValueEquals("array") ? value.ValueKind == JsonValueKind.Array
        : name.ValueEquals("string") ? value.ValueKind == JsonValueKind.String
        : name.ValueEquals("number") ? value.ValueKind == JsonValueKind.Number
        : name.ValueEquals("integer") ? value.ValueKind == JsonValueKind.Number && IsInteger(value)
        : name.ValueEquals("boolean") ? value.ValueKind is JsonValueKind.True or JsonValueKind.False
        : name.ValueEquals("null") ? value.ValueKind == JsonValueKind.Null
        // An unknown type name constrains nothing we can check.
        : true;

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (double.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Floor(d) == d && !double.IsInfinity(d));

    private static Regex? Compile(string pattern)
    {
        if (s_patterns.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        Regex? regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException)
        {
            // A pattern .NET cannot read validates nothing; the call fails closed on it.
            regex = null;
        }
        if (s_patterns.Count < MaxCachedPatterns)
        {
            s_patterns.TryAdd(pattern, regex);
        }
        return regex;
    }

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    private static string Describe(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.ToString())) : type.ToString();

    private static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>
    /// Where a value sits (<c>$.a.b[2]</c>): its parent's path and its own name or index, written out only when an error
    /// names it. A conforming call of flat arguments builds no path string; an object or array nested in the arguments
    /// writes its own path once, for its children.
    /// </summary>
    private readonly struct SchemaPath(string parent, string? name = null, int index = -1)
    {
        public override string ToString() => name is not null ? $"{parent}.{name}" : index >= 0 ? $"{parent}[{index}]" : parent;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
