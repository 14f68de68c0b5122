using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Sessions;

/// <summary>Reads the session key an agent host put in a request's <c>_meta</c> (<see cref="SessionKeys.MetaField"/>).</summary>
internal static class SessionKeyReader
{
    /// <summary>The request's <c>_meta.io.safemcp/session</c> string; null when it has none (or not a non-empty string).</summary>
    public static string? FromMeta(MessageContext context) =>
        context.JsonRpcMessage is JsonRpcRequest { Params: JsonObject parameters }
        && parameters["_meta"] is JsonObject meta
        && meta[SessionKeys.MetaField] is JsonValue value
        && value.TryGetValue<string>(out var key)
        && !string.IsNullOrWhiteSpace(key)
            ? key
            : null;
}
