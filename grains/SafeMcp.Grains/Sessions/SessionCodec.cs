using System.Text.Json;
using System.Text.Json.Serialization;
using SafeMcp.Contracts;
using SafeMcp.Grains.Storage;
using SafeMcp.Grains.Tools;

namespace SafeMcp.Grains.Sessions;

/// <summary>Turns a session's state into the JSON documents storage keeps, and back.</summary>
public static class SessionCodec
{
    /// <summary>
    /// The definition document: instruction and tools, and the tools the opening withheld (<paramref name="withheldAtOpen"/>:
    /// by visibility rules and the initial check, before any call; an export of the audit log labels the session's
    /// initial check with them). Written when the session is opened or its task or tools change.
    /// </summary>
    public static string DefinitionJson(SessionState state, IReadOnlyList<WithheldTool> withheldAtOpen)
    {
        var tools = state.Tools.Ordered;
        var servers = state.Tools.Servers;
        // One server: the document as it was before sessions spanned servers, so older readers still read it.
        var oneServer = servers.Count <= 1;
        return JsonSerializer.Serialize(
            new SessionDefinitionDocument(state.Instruction, tools.Select(t => t.Descriptor).ToArray(),
                oneServer && servers.Count == 1 ? servers[0] : null,
                withheldAtOpen.Count == 0 ? null : withheldAtOpen,
                oneServer ? null : tools.Select(t => t.Server).ToArray()),
            SessionDocumentsJsonContext.Default.SessionDefinitionDocument);
    }

    /// <summary>Reads a definition document (see <see cref="DefinitionJson"/>).</summary>
    /// <exception cref="InvalidDataException">The document is empty or has no tool list.</exception>
    /// <exception cref="JsonException">The document is not a definition.</exception>
    public static SessionDefinitionDocument ReadDefinition(string definitionJson)
    {
        var definition = JsonSerializer.Deserialize(definitionJson, SessionDocumentsJsonContext.Default.SessionDefinitionDocument)
            ?? throw new InvalidDataException("Empty session definition document.");
        // Deserialization leaves a missing list null whatever the type says.
        return definition.Tools is null ? throw new InvalidDataException("A session definition document without its tools.") : definition;
    }

    /// <summary>
    /// The mutable document, UTF-8 JSON: what every turn rewrites (written as bytes, the form stores take it in). The
    /// recent calls are not in it: their audit rows are written by the same commits, and <see cref="Restore"/> rebuilds
    /// them from there.
    /// </summary>
    public static byte[] StateUtf8(SessionState state) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new SessionStateDocument(
                state.Sequence,
                CapabilityNames.Of(state.CapabilitiesUsed),
                TaintNames.Of(state.Taint),
                state.Withheld.Values.ToArray()),
            SessionDocumentsJsonContext.Default.SessionStateDocument);

    /// <summary>Rebuilds a session from storage, its recent calls from the audit rows <paramref name="stored"/> carries.</summary>
    public static SessionState Restore(string tenantId, string sessionId, StoredSession stored, SessionGrainOptions options)
    {
        var definition = ReadDefinition(stored.DefinitionJson);
        var document = JsonSerializer.Deserialize(stored.StateJson, SessionDocumentsJsonContext.Default.SessionStateDocument)
            ?? throw new InvalidDataException($"Session {sessionId}: empty state document.");

        var state = new SessionState(tenantId, sessionId)
        {
            Instruction = definition.Instruction,
            Sequence = document.Sequence,
            CapabilitiesUsed = CapabilityNames.Parse(document.CapabilitiesUsed),
            Taint = TaintNames.Parse(document.Taint),
            Version = stored.Version,
        };
        state.ReplaceTools(definition.Profiles());
        foreach (var withheld in document.Withheld)
        {
            state.Withheld[ToolKey.Of(withheld)] = withheld.Server is null ? withheld with { Server = SessionKeys.DefaultServer } : withheld;
        }
        foreach (var call in stored.RecentCalls.Skip(Math.Max(0, stored.RecentCalls.Count - options.RecentCallsKept)))
        {
            var record = CallRecord.FromStored(call, options);
            // The session's own string for a known tool's name, as a live turn keeps it.
            state.RecentCalls.Add(state.Tools.TryGet(record.Key, out var tool) ? record with { Tool = tool.Name, Server = tool.Server } : record);
        }
        return state;
    }
}

/// <summary>
/// What a session was opened with: its task, its tools, and the tools its opening withheld (null when none). A session of
/// one server names it in <paramref name="Server"/>; one of several gives each tool's server in
/// <paramref name="ToolServers"/> (parallel to <paramref name="Tools"/>). Neither: every tool is of <c>default</c>.
/// </summary>
public sealed record SessionDefinitionDocument(
    string? Instruction,
    IReadOnlyList<ToolDescriptor> Tools,
    string? Server = null,
    IReadOnlyList<WithheldTool>? WithheldAtOpen = null,
    IReadOnlyList<string>? ToolServers = null)
{
    /// <summary>The server of the tool at <paramref name="index"/> of <see cref="Tools"/>.</summary>
    public string ServerOf(int index) =>
        ToolServers is { } servers && index < servers.Count ? servers[index] : Server ?? SessionKeys.DefaultServer;

    /// <summary>The tools as the session profiles them, each with its server.</summary>
    public IEnumerable<ToolProfile> Profiles() => Tools.Select((tool, i) => ToolProfile.Classify(tool, ServerOf(i)));

    /// <summary>The tools as (server, tool) keys, in the document's order.</summary>
    public IEnumerable<ToolKey> Keys() => Tools.Select((tool, i) => new ToolKey(ServerOf(i), tool.Name));
}

internal sealed record SessionStateDocument(
    long Sequence,
    IReadOnlyList<string> CapabilitiesUsed,
    IReadOnlyList<string> Taint,
    IReadOnlyList<WithheldTool> Withheld);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionDefinitionDocument))]
[JsonSerializable(typeof(SessionStateDocument))]
internal sealed partial class SessionDocumentsJsonContext : JsonSerializerContext;
