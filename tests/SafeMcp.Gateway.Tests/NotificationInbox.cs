using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SafeMcp.Gateway.Tests;

/// <summary>The notifications a test's MCP client received, to wait for one that matches.</summary>
internal sealed class NotificationInbox
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private readonly Channel<JsonRpcNotification> _received = Channel.CreateUnbounded<JsonRpcNotification>();

    /// <summary>Adds handlers for <paramref name="methods"/> to <paramref name="options"/> that put each notification in this inbox.</summary>
    public McpClientOptions Listen(McpClientOptions options, params string[] methods)
    {
        options.Handlers.NotificationHandlers = [.. options.Handlers.NotificationHandlers ?? [],
            .. methods.Select(method => new KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>>(method, (notification, _) =>
            {
                _received.Writer.TryWrite(notification);
                return ValueTask.CompletedTask;
            }))];
        return options;
    }

    /// <summary>The first notification of <paramref name="method"/> (whose params' JSON contains <paramref name="text"/>, when given); others are skipped.</summary>
    public async Task<JsonRpcNotification> WaitAsync(string method, string? text = null)
    {
        using var timeout = new CancellationTokenSource(s_wait);
        try
        {
            while (true)
            {
                var notification = await _received.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (notification.Method == method && (text is null || notification.Params?.ToJsonString().Contains(text, StringComparison.Ordinal) == true))
                {
                    return notification;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {method} notification{(text is null ? "" : $" with '{text}'")} came.");
        }
    }
}
