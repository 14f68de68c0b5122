using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using SafeMcp.Client.Mcp;
using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>An MCP request's <c>_meta.traceparent</c> continues into the hook's HTTP calls to the cluster.</summary>
public sealed class TraceContinuationTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentSpanId = "b7ad6b7169203331";

    [Fact]
    public async Task Traceparent_in_meta_reaches_the_cluster_as_the_http_traceparent_header()
    {
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var header = context.Request.Headers["traceparent"];
            context.Response.StatusCode = 204;
            context.Response.Close();
            return header;
        });

        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            using (var trace = HookDiagnostics.ContinueTrace(new JsonObject { ["traceparent"] = $"00-{TraceId}-{ParentSpanId}-01" }, "safemcp.tools/call"))
            {
                Assert.NotNull(trace);
                Assert.Equal(TraceId, trace.TraceId.ToHexString());
                Assert.Equal(ParentSpanId, trace.ParentSpanId.ToHexString());
                using var http = new HttpClient();
                (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/v1/sessions/s/decide"))).Dispose();
            }
            var header = await received.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(header);
            Assert.StartsWith($"00-{TraceId}-", header, StringComparison.Ordinal);
            Assert.DoesNotContain(ParentSpanId, header, StringComparison.Ordinal); // the hook's own span is the silo's parent
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-traceparent")]
    public void Request_without_a_valid_traceparent_starts_no_trace(string? traceParent)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var meta = traceParent is null ? null : new JsonObject { ["traceparent"] = traceParent };
            Assert.Null(HookDiagnostics.ContinueTrace(meta, "safemcp.tools/call"));
            Assert.Null(Activity.Current);
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
