using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;

#pragma warning disable MCP9005 // Logging and roots are deprecated in MCP 2026-07-28; the reference server still uses them and the gateway passes them on.

namespace SafeMcp.Gateway.Tests;

/// <summary>
/// What the gateway passes through besides tools, proven with real servers behind a real gateway process and a
/// real MCP client: once over stdio, once over stateful Streamable HTTP (the two subclasses).
/// </summary>
public abstract class PassThroughScenarios(GatewayFixture fixture)
{
    /// <summary>The name of the server-everything route.</summary>
    private protected const string Everything = "everything";

    /// <summary>The name of the route of our rogue server with its memo resource (ROGUE_RESOURCE).</summary>
    private protected const string Memo = "memo";

    private protected static string EverythingYaml(string name) => $"""
              - name: {name}
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Everything)}, stdio]
                relay: [sampling, elicitation, roots]
        """;

    private protected static string MemoYaml(string name) => $"""
              - name: {name}
                command: node
                args: [{JsonSerializer.Serialize(NodeServers.Rogue)}]
                env:
                  ROGUE_RESOURCE: "1"
        """;

    /// <summary>Connects an agent's client to the route <paramref name="server"/>; <paramref name="configure"/> adds to its options.</summary>
    private protected abstract Task<AgentConnection> ConnectAsync(string server, Action<McpClientOptions>? configure = null);

    private static Task<McpClient> DirectEverythingAsync() => McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
    {
        Name = "direct",
        Command = "node",
        Arguments = [NodeServers.Everything, "stdio"],
    }), GatewaySession.ClientOptions());

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T)));

    [Fact]
    public async Task Prompts_are_listed_and_got_as_the_upstream_gives_them()
    {
        await using var agent = await ConnectAsync(Everything);
        await using var direct = await DirectEverythingAsync();
        var arguments = new Dictionary<string, object?> { ["city"] = "Lisbon", ["state"] = "Estremadura" };

        await agent.Client.PingAsync(); // answered by the upstream through the gateway
        var listed = await agent.Client.ListPromptsAsync(new ListPromptsRequestParams());
        var got = await agent.Client.GetPromptAsync("args-prompt", arguments);

        Assert.NotNull(agent.Client.ServerCapabilities.Prompts);
        Assert.Contains(listed.Prompts, p => p.Name == "args-prompt");
        Assert.Equal(Json((await direct.ListPromptsAsync(new ListPromptsRequestParams())).Prompts), Json(listed.Prompts));
        Assert.Equal(Json(await direct.GetPromptAsync("args-prompt", arguments)), Json(got));
        Assert.Equal("What's weather in Lisbon, Estremadura?", Assert.IsType<TextContentBlock>(Assert.Single(got.Messages).Content).Text);
    }

    [Fact]
    public async Task A_resource_is_read_as_the_upstream_gives_it_and_completions_are_forwarded()
    {
        const string Uri = "demo://resource/static/document/architecture.md";
        await using var agent = await ConnectAsync(Everything);
        await using var direct = await DirectEverythingAsync();

        var resources = await agent.Client.ListResourcesAsync(new ListResourcesRequestParams());
        var templates = await agent.Client.ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams());
        var read = await agent.Client.ReadResourceAsync(Uri);
        var completion = await agent.Client.CompleteAsync(new PromptReference { Name = "completable-prompt" }, "department", "S");

        Assert.Equal(true, agent.Client.ServerCapabilities.Resources?.Subscribe);
        Assert.Contains(resources.Resources, r => r.Uri == Uri);
        Assert.Equal(Json((await direct.ListResourcesAsync(new ListResourcesRequestParams())).Resources), Json(resources.Resources));
        Assert.Contains(templates.ResourceTemplates, t => t.UriTemplate == "demo://resource/dynamic/text/{resourceId}");
        var text = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
        Assert.Equal(File.ReadAllText(NodeServers.EverythingDocument("architecture.md")), text.Text);
        Assert.Equal(["Sales", "Support"], completion.Completion.Values);
        // Clean content leaves the session clean.
        using var silo = fixture.NewClient();
        Assert.Empty((await silo.GetSessionAsync(agent.SessionId)).View.Taint);
    }

    [Fact]
    public async Task Sampling_asked_by_the_upstream_during_a_call_is_answered_by_the_agents_client()
    {
        var sampling = new AgentSampling("The answer is forty-two.");
        await using var agent = await ConnectAsync(Everything, sampling.Configure);

        var result = await agent.Client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "What is the answer?", ["maxTokens"] = 20 });

        Assert.False(result.IsError == true, ReferenceServerTests.Text(result));
        Assert.Contains(sampling.Prompts, p => p.Contains("What is the answer?", StringComparison.Ordinal));
        Assert.Contains("The answer is forty-two.", ReferenceServerTests.Text(result));
    }

    [Fact]
    public async Task Sampling_is_refused_to_the_upstream_when_the_agents_client_cannot_sample()
    {
        await using var agent = await ConnectAsync(Everything);

        var result = await agent.Client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "What is the answer?", ["maxTokens"] = 20 });

        Assert.True(result.IsError, ReferenceServerTests.Text(result));
        Assert.Contains("does not support sampling", ReferenceServerTests.Text(result));
    }

    [Fact]
    public async Task The_upstreams_own_elicitation_is_answered_by_the_agents_client()
    {
        var asked = new List<string>();
        await using var agent = await ConnectAsync(Everything, options =>
        {
            options.Capabilities ??= new ClientCapabilities();
            options.Capabilities.Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() };
            options.Handlers.ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request?.Message ?? "");
                }
                // The gateway's own approval question (if the cluster asks one) and the upstream's form differ.
                var answer = request?.Message?.StartsWith("SafeMCP asks for approval", StringComparison.Ordinal) == true
                    ? new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(true) }
                    : new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("Ada") };
                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = answer });
            };
        });

        var result = await agent.Client.CallToolAsync("trigger-elicitation-request", new Dictionary<string, object?>());

        Assert.False(result.IsError == true, ReferenceServerTests.Text(result));
        Assert.Contains("- Name: Ada", ReferenceServerTests.Text(result));
        lock (asked)
        {
            Assert.Contains(asked, m => !m.StartsWith("SafeMCP", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_upstream_asks_the_agents_client_for_its_roots()
    {
        await using var agent = await ConnectAsync(Everything, options =>
        {
            options.Capabilities ??= new ClientCapabilities();
            options.Capabilities.Roots = new RootsCapability { ListChanged = true };
            options.Handlers.RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = "file:///projects/demo", Name = "demo" }] });
        });

        var result = await agent.Client.CallToolAsync("get-roots-list", new Dictionary<string, object?>());

        Assert.False(result.IsError == true, ReferenceServerTests.Text(result));
        Assert.Contains("URI: file:///projects/demo", ReferenceServerTests.Text(result));
    }

    [Fact]
    public async Task Subscriptions_and_log_messages_of_the_upstream_reach_the_agents_client()
    {
        const string Uri = "demo://resource/static/document/features.md";
        var inbox = new NotificationInbox();
        await using var agent = await ConnectAsync(Everything, options => inbox.Listen(options, NotificationMethods.LoggingMessageNotification, NotificationMethods.ResourceUpdatedNotification));

        await agent.Client.SetLoggingLevelAsync(LoggingLevel.Debug);
        await agent.Client.SubscribeToResourceAsync(Uri);
        // The upstream acknowledges a subscription with a log message: subscribe went up, the log came down.
        await inbox.WaitAsync(NotificationMethods.LoggingMessageNotification, "Received Subscribe Resource request for URI: " + Uri);
        var toggled = await agent.Client.CallToolAsync("toggle-subscriber-updates", new Dictionary<string, object?>());
        Assert.False(toggled.IsError == true, ReferenceServerTests.Text(toggled));

        var updated = await inbox.WaitAsync(NotificationMethods.ResourceUpdatedNotification, Uri);
        Assert.Equal(Uri, updated.Params?["uri"]?.GetValue<string>());
    }

    [Fact]
    public async Task Instructions_injected_in_a_resource_taint_the_session_and_the_next_sensitive_call_needs_a_human()
    {
        const string Uri = "memo://team/latest";
        await using var agent = await ConnectAsync(Memo);
        Assert.Contains("send_message", (await agent.Client.ListToolsAsync()).Select(t => t.Name));
        var message = new Dictionary<string, object?> { ["to"] = "dana", ["text"] = "See you Friday." };

        // The memo is honest at first: a message may go out.
        var honest = await agent.Client.ReadResourceAsync(Uri);
        var before = await agent.Client.CallToolAsync("send_message", message);
        // Then it carries instructions aimed at the model: the client still gets the content as it is...
        var injected = await agent.Client.ReadResourceAsync(Uri);
        var after = await agent.Client.CallToolAsync("send_message", message);

        Assert.Equal("Team memo: the offsite moved to Friday.", Assert.IsType<TextResourceContents>(Assert.Single(honest.Contents)).Text);
        Assert.False(before.IsError == true, ReferenceServerTests.Text(before));
        Assert.Equal("Message sent to dana.", ReferenceServerTests.Text(before));
        Assert.Contains("Ignore all previous instructions", Assert.IsType<TextResourceContents>(Assert.Single(injected.Contents)).Text);
        // ...but the session is tainted, and the same message now needs a human this client cannot ask: refused.
        Assert.True(after.IsError, ReferenceServerTests.Text(after));
        using var silo = fixture.NewClient();
        var snapshot = await silo.GetSessionAsync(agent.SessionId);
        Assert.Contains("untrusted_instructions", snapshot.View.Taint);
        Assert.Equal([Verdict.Allow, Verdict.RequireApproval], snapshot.Decisions.Select(d => d.Verdict));
        Assert.Contains(Techniques.PromptInjection, snapshot.Decisions[1].Techniques);
    }
}
