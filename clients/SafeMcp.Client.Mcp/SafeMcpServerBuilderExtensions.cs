using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Client.Mcp;
using SafeMcp.Client.Mcp.Gates;
using SafeMcp.Client.Mcp.Results;
using SafeMcp.Client.Mcp.Sessions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hooks an MCP server into SafeMCP Cluster.</summary>
public static class SafeMcpServerBuilderExtensions
{
    /// <summary>
    /// Supervises this server's tools through SafeMCP Cluster: <c>tools/list</c> hides the tools the session
    /// may not see, and every <c>tools/call</c> is decided by the cluster before it runs (denied with an
    /// <c>isError</c> result, sent to a human through elicitation, or run and its outcome reported). What the
    /// agent reads besides tool results (resources, prompts, their listings) is reported to its session and
    /// scanned for taint the same way.
    /// </summary>
    /// <param name="builder">The server's builder.</param>
    /// <param name="configure">Sets the cluster's address, the tenant's API key and, optionally, the task and session id.</param>
    public static IMcpServerBuilder WithSafeMcp(this IMcpServerBuilder builder, Action<SafeMcpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SafeMcpOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ArgumentException("SafeMcpOptions.ApiKey is required: the tenant's API key (see 'safemcp tenant create').", nameof(configure));
        }

        // A factory, not an instance, so that the container disposes the hook's connections at shutdown.
        builder.Services.AddSingleton(sp => new SafeMcpHook(options,
            ServerNames.Resolve(options.ServerName, sp.GetService<IOptions<McpServerOptions>>()?.Value.ServerInfo?.Name)));
        builder.Services.AddSingleton<SessionSync>();
        builder.Services.AddSingleton<HumanApproval>();
        builder.Services.AddSingleton<ListToolsGate>();
        builder.Services.AddSingleton<CallToolGate>();
        builder.Services.AddSingleton<IngestGate>();
        builder.Services.AddSingleton(sp => new SafeMcpSessions(sp.GetRequiredService<SafeMcpHook>(), sp.GetRequiredService<SessionSync>()));
        // The hook announces changes of the visible tool set, so the server must declare that it does.
        builder.Services.Configure<McpServerOptions>(server =>
        {
            server.Capabilities ??= new ServerCapabilities();
            server.Capabilities.Tools ??= new ToolsCapability();
            server.Capabilities.Tools.ListChanged = true;
        });

        return builder.WithRequestFilters(filters =>
        {
            filters.AddListToolsFilter(next => (context, cancellationToken) => Resolve<ListToolsGate>(context).InvokeAsync(context, next, cancellationToken));
            filters.AddCallToolFilter(next => (context, cancellationToken) => Resolve<CallToolGate>(context).InvokeAsync(context, next, cancellationToken));
            // What the agent reads besides tool results is scanned for taint the same way.
            filters.AddReadResourceFilter(next => (context, cancellationToken) => Resolve<IngestGate>(context).InvokeAsync(context, next, IngestReader.Read, cancellationToken));
            filters.AddGetPromptFilter(next => (context, cancellationToken) => Resolve<IngestGate>(context).InvokeAsync(context, next, IngestReader.Read, cancellationToken));
            filters.AddListPromptsFilter(next => (context, cancellationToken) => Resolve<IngestGate>(context).InvokeAsync(context, next, (_, result, max) => IngestReader.Read(result, max), cancellationToken));
            filters.AddListResourcesFilter(next => (context, cancellationToken) => Resolve<IngestGate>(context).InvokeAsync(context, next, (_, result, max) => IngestReader.Read(result, max), cancellationToken));
            filters.AddListResourceTemplatesFilter(next => (context, cancellationToken) => Resolve<IngestGate>(context).InvokeAsync(context, next, (_, result, max) => IngestReader.Read(result, max), cancellationToken));
        });
    }

    private static T Resolve<T>(MessageContext context) where T : notnull =>
        (context.Services ?? context.Server.Services ?? throw new InvalidOperationException("The MCP server has no service provider."))
            .GetRequiredService<T>();
}
