using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Results;

/// <summary>Turns a tool's result into the outcome report the cluster scans for taint.</summary>
internal static class OutcomeReader
{
    /// <summary>The report of <paramref name="result"/>, the outcome of decision <paramref name="sequence"/>.</summary>
    public static OutcomeReport Read(long sequence, CallToolResult result, int maxContentChars)
    {
        var text = new ContentText(maxContentChars);
        foreach (var block in result.Content)
        {
            text.Add(block);
        }
        if (result.StructuredContent is { } structured)
        {
            text.Add(structured.GetRawText());
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult))).LongLength;
        return new OutcomeReport(sequence, result.IsError == true, text.ToString(), bytes);
    }

    /// <summary>The report of a tool that threw instead of answering.</summary>
    public static OutcomeReport Failed(long sequence, Exception error) =>
        new(sequence, IsError: true, error.Message, Encoding.UTF8.GetByteCount(error.Message));
}
