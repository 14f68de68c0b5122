using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>
/// The filter of everything the agent reads outside a tool call (<c>resources/read</c>, <c>prompts/get</c> and
/// the listings of prompts and resources): the answer goes to the client unchanged, and its text is reported to
/// the session so that taint found there (secrets, instructions aimed at the model, hidden Unicode) counts as
/// taint from a tool result would: later sensitive calls need a human, tools may be withheld.
/// </summary>
internal sealed partial class IngestGate(SafeMcpHook hook, SessionSync sync, ILogger<IngestGate> logger)
{
    public async ValueTask<TResult> InvokeAsync<TParams, TResult>(
        RequestContext<TParams> context, McpRequestHandler<TParams, TResult> next, Func<TParams?, TResult, int, IngestedContent> read, CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken).ConfigureAwait(false);
        var session = hook.Sessions.For(context);
        var content = read(context.Params, result, hook.Options.MaxReportedContentChars) with { Server = hook.ServerName };
        // The content is in hand: its report completes even if the caller gives up waiting.
        try
        {
            await sync.EnsureOpenAsync(context, session, CancellationToken.None).ConfigureAwait(false);
            SessionView view;
            try
            {
                view = await hook.Client.ReportIngestedAsync(session.SessionId, content, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SafeMcpException e) when (e.Error.Code == "unknown_session")
            {
                session.IsOpen = false;
                await sync.EnsureOpenAsync(context, session, CancellationToken.None).ConfigureAwait(false);
                view = await hook.Client.ReportIngestedAsync(session.SessionId, content, CancellationToken.None).ConfigureAwait(false);
            }
            await sync.AnnounceAsync(context, session, sync.OwnWithheld(view), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SafeMcpException e)
        {
            // As with a call's outcome: the content is returned; the next decision fails closed if the cluster is away.
            LogReportFailed(session.SessionId, content.Source, e.Message);
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SafeMCP session {SessionId}: content read through '{Source}' could not be reported: {Problem}")]
    private partial void LogReportFailed(string sessionId, string source, string problem);
}
