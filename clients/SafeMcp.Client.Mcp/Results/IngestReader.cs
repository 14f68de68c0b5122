using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SafeMcp.Contracts;

namespace SafeMcp.Client.Mcp.Results;

/// <summary>
/// Turns what the agent reads outside a tool call (a resource, a prompt, a listing of prompts or resources with
/// their descriptions) into the report the cluster scans for taint.
/// </summary>
internal static class IngestReader
{
    // The cluster takes sources of up to 512 characters; a URI longer than this is cut (it only labels the report).
    private const int MaxSourceChars = 256;

    public static IngestedContent Read(ReadResourceRequestParams? request, ReadResourceResult result, int maxChars)
    {
        var text = new ContentText(maxChars);
        foreach (var contents in result.Contents)
        {
            text.Add(contents);
        }
        return Report("resources/read " + request?.Uri, text, result);
    }

    public static IngestedContent Read(GetPromptRequestParams? request, GetPromptResult result, int maxChars)
    {
        var text = new ContentText(maxChars).Add(result.Description);
        foreach (var message in result.Messages)
        {
            text.Add(message.Content);
        }
        return Report("prompts/get " + request?.Name, text, result);
    }

    public static IngestedContent Read(ListPromptsResult result, int maxChars)
    {
        var text = new ContentText(maxChars);
        foreach (var prompt in result.Prompts)
        {
            text.Add(prompt.Name).Add(prompt.Title).Add(prompt.Description);
            foreach (var argument in prompt.Arguments ?? [])
            {
                text.Add(argument.Name).Add(argument.Description);
            }
        }
        return Report("prompts/list", text, result);
    }

    public static IngestedContent Read(ListResourcesResult result, int maxChars)
    {
        var text = new ContentText(maxChars);
        foreach (var resource in result.Resources)
        {
            text.Add(resource.Name).Add(resource.Title).Add(resource.Description);
        }
        return Report("resources/list", text, result);
    }

    public static IngestedContent Read(ListResourceTemplatesResult result, int maxChars)
    {
        var text = new ContentText(maxChars);
        foreach (var template in result.ResourceTemplates)
        {
            text.Add(template.Name).Add(template.Title).Add(template.Description);
        }
        return Report("resources/templates/list", text, result);
    }

    private static IngestedContent Report<T>(string source, ContentText text, T result)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T))).LongLength;
        return new IngestedContent(source.Length <= MaxSourceChars ? source : source[..MaxSourceChars], text.ToString(), bytes);
    }
}
