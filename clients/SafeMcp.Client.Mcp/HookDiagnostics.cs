using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SafeMcp.Client.Mcp;

/// <summary>The hook's <see cref="ActivitySource"/>, and the continuation of an MCP request's trace into the cluster.</summary>
internal static class HookDiagnostics
{
    /// <summary>The name of the hook's activity source.</summary>
    public const string Name = "SafeMcp.Client.Mcp";

    /// <summary>The hook's activity source (a span for each call it asks the cluster about).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(HookDiagnostics).Assembly.GetName().Version?.ToString() ?? "0.0.0");

    /// <summary>
    /// Continues the trace an MCP request names in <c>_meta.traceparent</c> (SEP-414) for the cluster calls made while the
    /// returned activity is current: HttpClient sends its <c>traceparent</c> header to the silo. Null when the request
    /// names no valid trace, or when a span is already current (the SDK's own, which continued it).
    /// </summary>
    public static Activity? ContinueTrace(JsonObject? meta, string operation)
    {
        if (Activity.Current is not null || meta?["traceparent"] is not JsonValue parentValue || !parentValue.TryGetValue<string>(out var traceParent))
        {
            return null;
        }
        var traceState = meta["tracestate"] is JsonValue stateValue && stateValue.TryGetValue<string>(out var state) ? state : null;
        if (!ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
        {
            return null;
        }
        // Without a listener the source makes no span, yet the header must still travel: a bare activity carries it.
        return ActivitySource.StartActivity(operation, ActivityKind.Client, parent)
            ?? new Activity(operation).SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags).Start();
    }
}
