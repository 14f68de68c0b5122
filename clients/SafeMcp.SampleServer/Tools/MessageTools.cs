using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Server;

namespace SafeMcp.SampleServer.Tools;

/// <summary>Sending messages; they go to an outbox file in the sandbox rather than to a real network.</summary>
[McpServerToolType]
internal sealed class MessageTools(Sandbox sandbox, SampleServerOptions options)
{
    private static readonly SemaphoreSlim s_outbox = new(1, 1);

    [McpServerTool(Name = "send_message", Title = "Send message", ReadOnly = false, Destructive = false, OpenWorld = true)]
    [Description("Sends a message to a recipient (email address or chat handle).")]
    public async Task<string> SendMessage(
        [Description("Who receives the message.")] string recipient,
        [Description("The message text.")] string body,
        CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["recipient"] = recipient,
            ["body"] = body,
            ["sentAt"] = DateTimeOffset.UtcNow.ToString("O"),
        }, SampleJsonContext.Default.DictionaryStringString);
        await s_outbox.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await File.AppendAllTextAsync(sandbox.Resolve(options.OutboxFile), line + "\n", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            s_outbox.Release();
        }
        return $"Message to {recipient} sent.";
    }
}
