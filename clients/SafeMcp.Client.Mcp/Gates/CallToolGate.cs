using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Client.Mcp.Results;
using SafeMcp.Client.Mcp.Sessions;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>
/// The <c>tools/call</c> filter: asks the cluster for a decision, denies with an <c>isError</c> result,
/// asks a human when approval is required, runs the tool when allowed and reports what it returned.
/// </summary>
internal sealed partial class CallToolGate(SafeMcpHook hook, SessionSync sync, HumanApproval approval, ILogger<CallToolGate> logger)
{
    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (context.Params is not { } call)
        {
            return await next(context, cancellationToken).ConfigureAwait(false);
        }
        var session = hook.Sessions.For(context);
        Decision decision;
        try
        {
            decision = await DecideAsync(context, session, call, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            LogUndecided(session.SessionId, call.Name, e.Message);
            return RefusalResults.Undecided(call.Name, e.Message);
        }
        try
        {
            await sync.AnnounceAfterDecisionAsync(context, session, decision, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            // Visibility is advisory: the decision stands, and the next list or call reads the slice again.
            LogUndecided(session.SessionId, call.Name, e.Message);
        }

        switch (decision.Verdict)
        {
            case Verdict.Deny:
                return RefusalResults.Denied(decision);
            case Verdict.RequireApproval:
                var answer = await approval.AskAsync(context.Server, decision, call, cancellationToken).ConfigureAwait(false);
                if (answer != ApprovalAnswer.Approved)
                {
                    return RefusalResults.Denied(decision, answer == ApprovalAnswer.Declined
                        ? "It needed a human's approval and the human did not give it."
                        : "It needs a human's approval and the client cannot ask one (no elicitation capability).");
                }
                break;
        }
        return await RunAndReportAsync(context, next, session, decision, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Decision> DecideAsync(MessageContext context, SessionTracker session, CallToolRequestParams call, CancellationToken cancellationToken)
    {
        await sync.EnsureOpenAsync(context, session, cancellationToken).ConfigureAwait(false);
        var request = new DecideRequest(call.Name, CallArguments.ToJson(call.Arguments), Server: hook.ServerName);
        try
        {
            return await hook.Client.DecideAsync(session.SessionId, request, cancellationToken).ConfigureAwait(false);
        }
        catch (SafeMcpException e) when (e.Error.Code == "unknown_session")
        {
            // The cluster lost the session (e.g. a new database): open it again and ask once more.
            session.IsOpen = false;
            await sync.EnsureOpenAsync(context, session, cancellationToken).ConfigureAwait(false);
            return await hook.Client.DecideAsync(session.SessionId, request, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CallToolResult> RunAndReportAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        SessionTracker session, Decision decision, CancellationToken cancellationToken)
    {
        // A decision the client made alone (fail open) has no sequence in the cluster to report against.
        var reportable = decision.Sequence > 0;
        CallToolResult result;
        try
        {
            result = await next(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (reportable)
        {
            await ReportAsync(context, session, OutcomeReader.Failed(decision.Sequence, e)).ConfigureAwait(false);
            throw;
        }
        if (reportable)
        {
            await ReportAsync(context, session, OutcomeReader.Read(decision.Sequence, result, hook.Options.MaxReportedContentChars)).ConfigureAwait(false);
        }
        return result;
    }

    private async Task ReportAsync(MessageContext context, SessionTracker session, OutcomeReport report)
    {
        // The tool has run: its outcome is reported even if the caller gave up waiting.
        try
        {
            var view = await hook.Client.ReportOutcomeAsync(session.SessionId, report with { Server = hook.ServerName }, CancellationToken.None).ConfigureAwait(false);
            await sync.AnnounceAsync(context, session, sync.OwnWithheld(view), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            LogReportFailed(session.SessionId, report.Sequence, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: no decision for '{Tool}', the call is denied: {Problem}")]
    private partial void LogUndecided(string sessionId, string tool, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: the outcome of decision {Sequence} could not be reported: {Problem}")]
    private partial void LogReportFailed(string sessionId, long sequence, string problem);
}
