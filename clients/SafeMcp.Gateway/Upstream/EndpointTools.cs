using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.Gateway.Upstream;

/// <summary>
/// The tools one endpoint serves: every tool of each of its upstreams, under the endpoint's name for it (namespaced
/// on a profile). Rebuilt whenever an upstream's tools change; replacing the collection's content makes the SDK send
/// <c>notifications/tools/list_changed</c> to the clients it can reach.
/// </summary>
internal sealed class EndpointTools
{
    private readonly Lock _lock = new();

    public EndpointTools(IReadOnlyList<UpstreamConnection> upstreams, bool namespaced)
    {
        Upstreams = upstreams;
        Namespaced = namespaced;
        foreach (var upstream in upstreams)
        {
            upstream.Changed += () =>
            {
                Rebuild();
                return Task.CompletedTask;
            };
        }
        Rebuild();
    }

    /// <summary>The endpoint's upstreams, in the configuration's order.</summary>
    public IReadOnlyList<UpstreamConnection> Upstreams { get; }

    /// <summary>True on a profile: names are <c>{server}__{tool}</c>.</summary>
    public bool Namespaced { get; }

    /// <summary>The collection the endpoint's servers list and call.</summary>
    public McpServerPrimitiveCollection<McpServerTool> Collection { get; } = new();

    /// <summary>The name a client sees for <paramref name="tool"/> of <paramref name="server"/>.</summary>
    public string ClientName(string server, string tool) => Namespaced ? ToolNamespace.Join(server, tool) : tool;

    /// <summary>The proxied tool a client names <paramref name="name"/>; null when there is none.</summary>
    public ProxyTool? Find(string name) => Collection.TryGetPrimitive(name, out var tool) ? tool as ProxyTool : null;

    private void Rebuild()
    {
        lock (_lock)
        {
            // One Changed event (one list_changed downstream) for the whole replacement.
            using (Collection.DeferChangedEvents())
            {
                Collection.Clear();
                foreach (var upstream in Upstreams)
                {
                    foreach (var tool in upstream.Tools)
                    {
                        Collection.TryAdd(new ProxyTool(upstream, tool.Name, Rename(tool, ClientName(upstream.Server.Name, tool.Name))));
                    }
                }
            }
        }
    }

    private static Tool Rename(Tool tool, string name) => tool.Name == name ? tool : new Tool
    {
        Name = name,
        Title = tool.Title,
        Description = tool.Description,
        InputSchema = tool.InputSchema,
        OutputSchema = tool.OutputSchema,
        Annotations = tool.Annotations,
        Icons = tool.Icons,
        Meta = tool.Meta,
    };
}
