using ModelContextProtocol;

namespace SafeMcp.SampleServer;

/// <summary>The directory the tools may touch; every path a tool is given is resolved inside it.</summary>
internal sealed class Sandbox(SampleServerOptions options)
{
    /// <summary>The sandbox's full path.</summary>
    public string Root { get; } = Directory.CreateDirectory(options.Sandbox).FullName;

    /// <summary>The full path of <paramref name="relativePath"/>; throws (a tool error the client sees) when it leaves the sandbox.</summary>
    public string Resolve(string relativePath)
    {
        if (string.IsNullOrWhiteSpace(relativePath))
        {
            throw new McpException("A path is required.");
        }
        var full = Path.GetFullPath(Path.Combine(Root, relativePath));
        var rootWithSeparator = Root.EndsWith(Path.DirectorySeparatorChar) ? Root : Root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new McpException($"'{relativePath}' is outside the sandbox.");
        }
        return full;
    }

    /// <summary><paramref name="text"/> cut to the longest output a tool returns.</summary>
    public string Cut(string text) =>
        text.Length <= options.MaxOutputChars ? text : text[..options.MaxOutputChars] + $"\n[cut at {options.MaxOutputChars} characters]";
}
