using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

#pragma warning disable MCP9005 // Sampling is deprecated in MCP 2026-07-28; the reference server still asks for it.

namespace SafeMcp.Gateway.Tests;

/// <summary>The agent's side of sampling: a client that answers every <c>sampling/createMessage</c> with a fixed reply and keeps the prompts it was sent.</summary>
internal sealed class AgentSampling(string reply)
{
    private readonly List<string> _prompts = [];

    /// <summary>The text of every message the client was asked to complete, in order.</summary>
    public IReadOnlyList<string> Prompts
    {
        get
        {
            lock (_prompts)
            {
                return [.. _prompts];
            }
        }
    }

    /// <summary>Declares sampling on <paramref name="options"/> and answers it.</summary>
    public void Configure(McpClientOptions options)
    {
        options.Capabilities ??= new ClientCapabilities();
        options.Capabilities.Sampling = new SamplingCapability();
        options.Handlers.SamplingHandler = (request, _, _) =>
        {
            lock (_prompts)
            {
                _prompts.AddRange(request?.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text) ?? []);
            }
            return ValueTask.FromResult(new CreateMessageResult
            {
                Model = "agent-test-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = reply }],
            });
        };
    }
}
