using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Client;
using SafeMcp.Client.Mcp;
using SafeMcp.Client.Mcp.Gates;
using SafeMcp.Client.Mcp.Results;
using SafeMcp.Contracts;
using SafeMcp.Gateway.Config;
using SafeMcp.Gateway.Upstream;

namespace SafeMcp.Gateway.Supervision;

/// <summary>
/// Supervises one endpoint's sessions in the cluster. One agent is one session: each upstream's tools are its own
/// slice, opened under the upstream's server name with the upstream's own tool names; every call is decided as (server,
/// tool), so a secret read through one upstream taints the session and egress through another is stopped; the list a
/// client sees hides what the session withholds on any of the endpoint's upstreams. The decision pieces (refusal
/// results, outcome and content readers, approval by elicitation) are the hook's (<c>WithSafeMcp</c>).
/// </summary>
internal sealed partial class EndpointSupervisor : IDisposable
{
    private readonly EndpointConfig _endpoint;
    private readonly EndpointTools _tools;
    private readonly Func<MessageContext, string> _sessionOf;
    private readonly SafeMcpHook _hook;
    private readonly HumanApproval _approval;
    private readonly ConcurrentDictionary<string, SupervisedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _log;

    // The key of the approval question inside a multi-round-trip request.
    private const string ApprovalInput = "safemcp.approval";

    private readonly ApprovalStates _states;

    public EndpointSupervisor(EndpointConfig endpoint, Uri silo, EndpointTools tools, Func<MessageContext, string> sessionOf, ApprovalStates states, ILogger<EndpointSupervisor> log)
    {
        _states = states;
        _endpoint = endpoint;
        _tools = tools;
        _sessionOf = sessionOf;
        _log = log;
        _hook = new SafeMcpHook(new SafeMcpOptions { BaseAddress = silo, ApiKey = endpoint.ApiKey, Instruction = endpoint.Instruction, ServerName = endpoint.Name }, endpoint.Name);
        _approval = new HumanApproval(_hook);
    }

    /// <summary>Installs the supervision filters on a session's server options.</summary>
    public void Install(McpServerOptions options)
    {
        var request = options.Filters.Request;
        request.ListToolsFilters.Add(next => (context, ct) => ListToolsAsync(context, next, ct));
        request.CallToolFilters.Add(next => (context, ct) => CallToolAsync(context, next, ct));
        // What the agent reads besides tool results is scanned for taint the same way (single-server endpoints).
        var server = _tools.Upstreams[0].Server.Name;
        request.ReadResourceFilters.Add(next => (context, ct) => IngestAsync(context, next, server, IngestReader.Read, ct));
        request.GetPromptFilters.Add(next => (context, ct) => IngestAsync(context, next, server, IngestReader.Read, ct));
        request.ListPromptsFilters.Add(next => (context, ct) => IngestAsync(context, next, server, (_, result, max) => IngestReader.Read(result, max), ct));
        request.ListResourcesFilters.Add(next => (context, ct) => IngestAsync(context, next, server, (_, result, max) => IngestReader.Read(result, max), ct));
        request.ListResourceTemplatesFilters.Add(next => (context, ct) => IngestAsync(context, next, server, (_, result, max) => IngestReader.Read(result, max), ct));
    }

    /// <summary>
    /// Asks the silo whether the tenant's key is valid, so that a wrong key stops the gateway at start with a clear
    /// message instead of failing every call later. An unreachable silo is not an error here: calls fail closed.
    /// </summary>
    public async Task CheckKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _hook.Client.GetToolsAsync("safemcp-gateway-key-check", cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.StatusCode is 401 or 403)
        {
            throw new GatewayConfigException($"tenant '{_endpoint.Tenant}': the silo refused its API key ({e.Error.Code}: {e.Error.Message}); check the tenant's 'apiKey' or 'apiKeyEnv'.", e);
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            LogSiloUnavailable(_endpoint.Tenant, e.Message);
        }
        catch (SafeMcpException)
        {
            // Any other answer (the probe's session is unknown) means the key was accepted.
        }
    }

    private SupervisedSession For(MessageContext context) =>
        _sessions.GetOrAdd(_sessionOf(context), static id => new SupervisedSession(id));

    private async ValueTask<ListToolsResult> ListToolsAsync(
        RequestContext<ListToolsRequestParams> context, McpRequestHandler<ListToolsRequestParams, ListToolsResult> next, CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken).ConfigureAwait(false);
        var session = For(context);
        try
        {
            var opened = await OpenSlicesAsync(session, cancellationToken).ConfigureAwait(false);
            var view = await _hook.Client.GetToolsAsync(session.SessionId, cancellationToken).ConfigureAwait(false);
            // The client is reading the list now: record the set without announcing it.
            session.Observe(ClientNames([.. opened.SelectMany(v => v.WithheldTools), .. view.WithheldTools]));
        }
        catch (SafeMcpException e) when (e.IsUnavailable)
        {
            // Visibility is advisory; every call is still decided (and denied while the cluster is away).
            LogUnavailable(session.SessionId, e.Message);
        }
        catch (SafeMcpException e)
        {
            throw new McpException($"SafeMCP refused to open session '{session.SessionId}': {e.Message}", e);
        }
        var withheld = session.Withheld;
        result.Tools = [.. result.Tools.Where(t => !withheld.Contains(t.Name))];
        // Shaped for this principal and session: never to be reused for anyone else.
        result.TimeToLive = TimeSpan.Zero;
        result.CacheScope = CacheScope.Private;
        return result;
    }

    private async ValueTask<CallToolResult> CallToolAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (context.Params is not { } call || _tools.Find(call.Name) is not { } tool)
        {
            // Not a tool of this endpoint: the SDK answers that, nothing runs.
            return await next(context, cancellationToken).ConfigureAwait(false);
        }
        var server = tool.Upstream.Server.Name;
        var session = For(context);
        var arguments = CallArguments.ToJson(call.Arguments);
        if (call.RequestState is { } state)
        {
            // The retry of a multi-round-trip approval: the state says what was decided; no second decision.
            return await ResumeAsync(context, next, session, tool, arguments, state, cancellationToken).ConfigureAwait(false);
        }
        Decision decision;
        try
        {
            decision = await DecideAsync(session, new DecideRequest(tool.UpstreamName, arguments, Server: server), cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            LogUndecided(session.SessionId, call.Name, e.Message);
            return RefusalResults.Undecided(call.Name, e.Message);
        }
        await AnnounceAsync(context, session, ClientNames(decision.WithheldTools), cancellationToken).ConfigureAwait(false);
        switch (decision.Verdict)
        {
            case Verdict.Deny:
                return RefusalResults.Denied(decision);
            case Verdict.RequireApproval when context.Server.IsMrtrSupported && context.Server.ClientCapabilities?.Elicitation is not null && _hook.Options.AskHumanForApproval:
                // MCP 2026-07-28: the client asks its human and retries with the answer and this sealed state.
                throw new InputRequiredException(
                    new Dictionary<string, InputRequest> { [ApprovalInput] = InputRequest.ForElicitation(HumanApproval.RequestFor(decision, call)) },
                    _states.Seal(session.SessionId, server, tool.UpstreamName, ApprovalStates.Digest(arguments), decision.Sequence));
            case Verdict.RequireApproval:
                var answer = await _approval.AskAsync(context.Server, decision, call, cancellationToken).ConfigureAwait(false);
                if (answer != ApprovalAnswer.Approved)
                {
                    return RefusalResults.Denied(decision, answer == ApprovalAnswer.Declined
                        ? "It needed a human's approval and the human did not give it."
                        : "It needs a human's approval and the client cannot ask one (no elicitation capability).");
                }
                break;
        }
        // A decision the client made alone (fail open) has no sequence in the cluster to report against.
        if (decision.Sequence <= 0)
        {
            return await next(context, cancellationToken).ConfigureAwait(false);
        }
        return await RunAndReportAsync(context, next, session, server, decision.Sequence, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<CallToolResult> ResumeAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next, SupervisedSession session,
        ProxyTool tool, System.Text.Json.JsonElement? arguments, string state, CancellationToken cancellationToken)
    {
        var call = context.Params!;
        if (_states.Open(state, session.SessionId, tool.Upstream.Server.Name, tool.UpstreamName, ApprovalStates.Digest(arguments), out var problem) is not { } claim)
        {
            LogStateRefused(session.SessionId, call.Name, problem);
            return Refused($"SafeMCP refused the call to '{call.Name}': {problem}. Call it again without a requestState to have it decided.");
        }
        var approved = call.InputResponses?.TryGetValue(ApprovalInput, out var response) == true
            && response.Deserialize(InputResponse.ElicitResultJsonTypeInfo) is { } answer && HumanApproval.Approves(answer);
        if (!approved)
        {
            return Refused($"SafeMCP denied the call to '{call.Name}' (decision {claim.Sequence}): it needed a human's approval and the human did not give it.");
        }
        return await RunAndReportAsync(context, next, session, tool.Upstream.Server.Name, claim.Sequence, cancellationToken).ConfigureAwait(false);
    }

    private static CallToolResult Refused(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

    private async ValueTask<CallToolResult> RunAndReportAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next, SupervisedSession session, string server, long sequence,
        CancellationToken cancellationToken)
    {
        CallToolResult result;
        try
        {
            result = await next(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await ReportAsync(context, session, OutcomeReader.Failed(sequence, e) with { Server = server }).ConfigureAwait(false);
            throw;
        }
        await ReportAsync(context, session, OutcomeReader.Read(sequence, result, _hook.Options.MaxReportedContentChars) with { Server = server }).ConfigureAwait(false);
        return result;
    }

    private async ValueTask<TResult> IngestAsync<TParams, TResult>(
        RequestContext<TParams> context, McpRequestHandler<TParams, TResult> next, string server, Func<TParams?, TResult, int, IngestedContent> read, CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken).ConfigureAwait(false);
        var session = For(context);
        var content = read(context.Params, result, _hook.Options.MaxReportedContentChars) with { Server = server };
        // The content is in hand: its report completes even if the caller gives up waiting.
        try
        {
            await OpenSlicesAsync(session, CancellationToken.None).ConfigureAwait(false);
            var view = await _hook.Client.ReportIngestedAsync(session.SessionId, content, CancellationToken.None).ConfigureAwait(false);
            await AnnounceAsync(context, session, ClientNames(view.WithheldTools), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            // The content is returned; the next decision fails closed if the cluster is away.
            LogReportFailed(session.SessionId, content.Source, e.Message);
        }
        return result;
    }

    private async Task<Decision> DecideAsync(SupervisedSession session, DecideRequest request, CancellationToken cancellationToken)
    {
        await OpenSlicesAsync(session, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _hook.Client.DecideAsync(session.SessionId, request, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.Error.Code == "unknown_session")
        {
            // The cluster lost the session (e.g. a new database): open it again and ask once more.
            session.Forget();
            await OpenSlicesAsync(session, cancellationToken).ConfigureAwait(false);
            return await _hook.Client.DecideAsync(session.SessionId, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens (or refreshes) each upstream's slice the cluster does not hold as of that upstream's current tools; returns the views it got.</summary>
    private async Task<IReadOnlyList<SessionView>> OpenSlicesAsync(SupervisedSession session, CancellationToken cancellationToken)
    {
        var views = new List<SessionView>();
        foreach (var upstream in _tools.Upstreams)
        {
            var version = upstream.ToolsVersion;
            if (session.IsOpen(upstream.Server.Name, version))
            {
                continue;
            }
            var tools = upstream.Tools;
            views.Add(await _hook.Client.OpenSessionAsync(
                new OpenSessionRequest(session.SessionId, _endpoint.Instruction, [.. tools.Select(ToolDescriptors.From)], upstream.Server.Name), cancellationToken).ConfigureAwait(false));
            session.Opened(upstream.Server.Name, version);
        }
        return views;
    }

    private async Task ReportAsync(MessageContext context, SupervisedSession session, OutcomeReport report)
    {
        // The tool has run: its outcome is reported even if the caller gave up waiting.
        try
        {
            var view = await _hook.Client.ReportOutcomeAsync(session.SessionId, report, CancellationToken.None).ConfigureAwait(false);
            await AnnounceAsync(context, session, ClientNames(view.WithheldTools), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            LogReportFailed(session.SessionId, $"outcome of decision {report.Sequence}", e.Message);
        }
    }

    /// <summary>Records the withheld set and, when it changed, tells the client with <c>notifications/tools/list_changed</c>.</summary>
    private async Task AnnounceAsync(MessageContext context, SupervisedSession session, IEnumerable<string> withheld, CancellationToken cancellationToken)
    {
        if (!session.Observe(withheld))
        {
            return;
        }
        LogToolsChanged(session.SessionId, string.Join(", ", session.Withheld));
        try
        {
            await context.Server.SendNotificationAsync(NotificationMethods.ToolListChangedNotification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is McpException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // A request served alone (stateless HTTP) has nowhere to push to: the client sees the change at its next list.
            LogNotPushed(session.SessionId, e.Message);
        }
    }

    /// <summary>The endpoint's names of withheld tools that belong to its upstreams (the session may span other servers too).</summary>
    private IEnumerable<string> ClientNames(IEnumerable<WithheldTool> withheld) =>
        withheld.SelectMany(w => w.Server is { } server
            ? _tools.Upstreams.Any(u => u.Server.Name == server) ? [_tools.ClientName(server, w.Name)] : []
            // A silo from before servers were kept names none: the tool is found by its name.
            : ClientNames([w.Name]));

    /// <summary>The endpoint's names for a decision's withheld names: plain, or <c>server/tool</c> where two servers share a name.</summary>
    private IEnumerable<string> ClientNames(IEnumerable<string> withheld)
    {
        foreach (var name in withheld)
        {
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var owners = slash > 0
                ? _tools.Upstreams.Where(u => u.Server.Name == name[..slash]).Select(u => (u.Server.Name, Tool: name[(slash + 1)..]))
                : _tools.Upstreams.Where(u => u.Tools.Any(t => t.Name == name)).Select(u => (u.Server.Name, Tool: name));
            foreach (var (server, tool) in owners)
            {
                yield return _tools.ClientName(server, tool);
            }
        }
    }

    public void Dispose() => _hook.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: a retried call to '{Tool}' was refused: {Problem}")]
    private partial void LogStateRefused(string sessionId, string tool, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant '{Tenant}': the silo cannot be reached to check its key now ({Problem}); calls are denied until it answers")]
    private partial void LogSiloUnavailable(string tenant, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: the cluster is unreachable, tools/list hides the tools last known withheld: {Problem}")]
    private partial void LogUnavailable(string sessionId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: no decision for '{Tool}', the call is denied: {Problem}")]
    private partial void LogUndecided(string sessionId, string tool, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: {What} could not be reported: {Problem}")]
    private partial void LogReportFailed(string sessionId, string what, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "SafeMCP session {SessionId}: the visible tools changed; withheld now: [{Withheld}]")]
    private partial void LogToolsChanged(string sessionId, string withheld);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SafeMCP session {SessionId}: tools/list_changed not pushed: {Problem}")]
    private partial void LogNotPushed(string sessionId, string problem);
}
