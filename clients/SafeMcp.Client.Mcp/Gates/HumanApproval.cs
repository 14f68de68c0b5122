using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Gates;

/// <summary>Asks the human behind the MCP client, through elicitation, whether a call may run.</summary>
internal sealed class HumanApproval(SafeMcpHook hook)
{
    private const string ApproveField = "approve";

    // A human reads the request: long argument values (file contents, bodies) are shown cut.
    private const int MaxArgumentChars = 256;

    public async Task<ApprovalAnswer> AskAsync(McpServer server, Decision decision, CallToolRequestParams call, CancellationToken cancellationToken)
    {
        if (!hook.Options.AskHumanForApproval || server.ClientCapabilities?.Elicitation is null)
        {
            return ApprovalAnswer.CannotAsk;
        }
        var request = RequestFor(decision, call);
        ElicitResult answer;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(hook.Options.ApprovalTimeout);
        try
        {
            answer = await server.ElicitAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Nobody answered in time: no approval.
            return ApprovalAnswer.Declined;
        }
        catch (McpException)
        {
            // The client could not ask (or failed asking): no approval.
            return ApprovalAnswer.Declined;
        }
        return Approves(answer) ? ApprovalAnswer.Approved : ApprovalAnswer.Declined;
    }

    /// <summary>The question a human is asked about <paramref name="call"/> (by elicitation, or inside a multi-round-trip request).</summary>
    public static ElicitRequestParams RequestFor(Decision decision, CallToolRequestParams call) => new()
    {
        Message = Describe(decision, call),
        RequestedSchema = new ElicitRequestParams.RequestSchema
        {
            Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>
            {
                [ApproveField] = new ElicitRequestParams.BooleanSchema { Title = "Run this call", Default = true },
            },
            Required = [ApproveField],
        },
    };

    /// <summary>Whether a human's answer approves: "accept", and not the form with approve=false.</summary>
    public static bool Approves(ElicitResult answer) =>
        answer.IsAccepted
        && !(answer.Content is { } content && content.TryGetValue(ApproveField, out var value) && value.ValueKind == JsonValueKind.False);

    private static string Describe(Decision decision, CallToolRequestParams call)
    {
        var text = new StringBuilder()
            .Append("SafeMCP asks for approval: the agent wants to call '").Append(call.Name).Append('\'');
        if (call.Arguments is { Count: > 0 } args)
        {
            text.Append(" with ").Append(string.Join(", ", args.Select(a => $"{a.Key}={Cut(a.Value.GetRawText())}")));
        }
        text.AppendLine(".");
        foreach (var reason in decision.Reasons)
        {
            text.Append("- ").AppendLine(reason);
        }
        text.Append("SAFE-MCP techniques: ").Append(string.Join(", ", decision.Techniques));
        return text.ToString();
    }

    private static string Cut(string value) => value.Length <= MaxArgumentChars ? value : value[..MaxArgumentChars] + "…";
}
