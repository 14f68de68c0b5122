using System.Text;
using ModelContextProtocol.Protocol;

namespace SafeMcp.Client.Mcp.Results;

/// <summary>
/// The text a model would read in MCP content (tool results, resource contents, prompt messages), gathered for
/// the cluster's taint scan and cut at a maximum length. One reader for every path content reaches the agent by.
/// </summary>
internal sealed class ContentText(int maxChars)
{
    private readonly StringBuilder _text = new();

    /// <summary>Adds one piece of text on its own line (nothing once the maximum is reached).</summary>
    public ContentText Add(string? value)
    {
        if (string.IsNullOrEmpty(value) || _text.Length >= maxChars)
        {
            return this;
        }
        if (_text.Length > 0)
        {
            _text.Append('\n');
        }
        _text.Append(value, 0, Math.Min(value.Length, maxChars - _text.Length));
        return this;
    }

    /// <summary>Adds the text of a content block: text, and the text of an embedded resource.</summary>
    public ContentText Add(ContentBlock block) => block switch
    {
        TextContentBlock t => Add(t.Text),
        EmbeddedResourceBlock { Resource: { } resource } => Add(resource),
        _ => this,
    };

    /// <summary>Adds resource contents: the text, or a blob whose MIME type says it is text (injection hides there as well).</summary>
    public ContentText Add(ResourceContents contents) => contents switch
    {
        TextResourceContents t => Add(t.Text),
        BlobResourceContents { MimeType: { } mime } b when mime.StartsWith("text/", StringComparison.OrdinalIgnoreCase) => Add(Decode(b)),
        _ => this,
    };

    public override string ToString() => _text.ToString();

    private static string? Decode(BlobResourceContents blob)
    {
        try
        {
            return Encoding.UTF8.GetString(blob.DecodedData.Span);
        }
        catch (FormatException)
        {
            // Not valid base64: nothing a model could read as text either.
            return null;
        }
    }
}
