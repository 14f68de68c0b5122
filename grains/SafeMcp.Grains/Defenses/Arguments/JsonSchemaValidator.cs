using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using SafeMcp.Contracts;
using SafeMcp.Grains.Defenses.Registry;

namespace SafeMcp.Grains.Defenses.Arguments;

/// <summary>
/// A call's arguments against its tool's input schema, with JsonSchema.Net: every keyword of draft 2020-12, 2019-09, 07
/// and 06 (chosen by the schema's <c>$schema</c>, 2020-12 when it names none), <c>$ref</c>/<c>$defs</c> and the
/// applicators included, <c>format</c> asserted. A schema is compiled once per tool definition hash and kept. A schema
/// the library cannot read (an unknown <c>$schema</c>, a <c>$ref</c> outside the document, a malformed keyword or
/// pattern) fails closed: every call of the tool violates it.
/// </summary>
public static class JsonSchemaValidator
{
    /// <summary>Deepest nesting the other argument checks read (request bodies are depth-limited already).</summary>
    public const int MaxDepth = 32;

    /// <summary>Errors reported for one call.</summary>
    public const int MaxErrors = 8;

    /// <summary>Compiled schemas kept; beyond it a schema is compiled for each call (a bound on memory, not on correctness).</summary>
    public const int MaxCachedSchemas = 16_384;

    private static readonly ConcurrentDictionary<string, CompiledSchema> s_compiled = new(StringComparer.Ordinal);

    private static readonly EvaluationOptions s_flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions s_list = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>The violations of <paramref name="arguments"/> against <paramref name="tool"/>'s input schema; empty when they conform or it has none.</summary>
    public static IReadOnlyList<string> Validate(ToolDescriptor tool, JsonElement arguments)
    {
        if (tool.InputSchema is not { ValueKind: JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False } schema)
        {
            return [];
        }
        var hash = ToolFingerprint.Of(tool);
        if (!s_compiled.TryGetValue(hash, out var compiled))
        {
            compiled = CompiledSchema.Build(schema);
            if (s_compiled.Count < MaxCachedSchemas)
            {
                s_compiled.TryAdd(hash, compiled);
            }
        }
        return compiled.Validate(arguments);
    }

    /// <summary>The violations of <paramref name="instance"/> against <paramref name="schema"/>, compiled for this call only.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance) => CompiledSchema.Build(schema).Validate(instance);

    /// <summary>A schema as the library built it, or why it could not.</summary>
    private sealed class CompiledSchema
    {
        private readonly JsonSchema? _schema;
        private readonly string? _unreadable;

        private CompiledSchema(JsonSchema? schema, string? unreadable)
        {
            _schema = schema;
            _unreadable = unreadable;
        }

        public static CompiledSchema Build(JsonElement schema)
        {
            try
            {
                // A registry of its own: a schema's $id must not reach another tenant's schemas, nor theirs this one. Draft
                // 2020-12 unless $schema names another: the library's own default (v1) refuses unknown keywords, which MCP
                // servers' schemas carry.
                var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
                return new CompiledSchema(JsonSchema.Build(schema, options), null);
            }
            catch (Exception error) when (error is JsonSchemaException or RefResolutionException or ArgumentException or FormatException or InvalidOperationException or JsonException or KeyNotFoundException or UriFormatException)
            {
                return new CompiledSchema(null, error.Message);
            }
        }

        public IReadOnlyList<string> Validate(JsonElement instance)
        {
            if (_schema is null)
            {
                return [$"the input schema cannot be read ({Shorten(_unreadable ?? "unknown error")}), so no call is accepted"];
            }
            try
            {
                if (_schema.Evaluate(instance, s_flag).IsValid)
                {
                    return [];
                }
                return Errors(_schema.Evaluate(instance, s_list));
            }
            catch (Exception error) when (error is JsonSchemaException or RefResolutionException or RegexMatchTimeoutException or InvalidOperationException or ArgumentException)
            {
                return [$"the input schema could not be evaluated ({Shorten(error.Message)})"];
            }
        }

        private static List<string> Errors(EvaluationResults results)
        {
            var errors = new List<string>();
            Add(results, errors);
            foreach (var detail in results.Details ?? [])
            {
                Add(detail, errors);
            }
            if (errors.Count == 0)
            {
                // Applicators (oneOf, not, anyOf) fail without a message of their own.
                errors.Add("$: does not match the schema's combination of subschemas (anyOf, oneOf, allOf or not)");
            }
            return errors;
        }

        private static void Add(EvaluationResults node, List<string> errors)
        {
            foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
            {
                if (errors.Count >= MaxErrors)
                {
                    return;
                }
                var at = node.InstanceLocation.ToString();
                // A false schema (additionalProperties: false) reports under an empty keyword.
                errors.Add($"${at}: {(keyword.Length == 0 ? "not allowed" : keyword)}: {message}");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "...";
}
