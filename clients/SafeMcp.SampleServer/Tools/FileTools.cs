using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace SafeMcp.SampleServer.Tools;

/// <summary>Reading, writing and deleting files in the sandbox.</summary>
[McpServerToolType]
internal sealed class FileTools(Sandbox sandbox)
{
    [McpServerTool(Name = "read_file", Title = "Read file", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Reads a text file of the sandbox directory and returns its content.")]
    public async Task<string> ReadFile([Description("The file's path, relative to the sandbox.")] string path, CancellationToken cancellationToken)
    {
        var full = sandbox.Resolve(path);
        if (!File.Exists(full))
        {
            throw new McpException($"No file '{path}' in the sandbox.");
        }
        return sandbox.Cut(await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false));
    }

    [McpServerTool(Name = "write_file", Title = "Write file", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Writes text to a file of the sandbox directory, creating the file and its folders when missing.")]
    public async Task<string> WriteFile(
        [Description("The file's path, relative to the sandbox.")] string path,
        [Description("The text to write.")] string content,
        CancellationToken cancellationToken)
    {
        var full = sandbox.Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, content, cancellationToken).ConfigureAwait(false);
        return $"Wrote {content.Length} characters to '{path}'.";
    }

    [McpServerTool(Name = "delete_file", Title = "Delete file", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Deletes a file of the sandbox directory.")]
    public string DeleteFile([Description("The file's path, relative to the sandbox.")] string path)
    {
        var full = sandbox.Resolve(path);
        if (!File.Exists(full))
        {
            throw new McpException($"No file '{path}' in the sandbox.");
        }
        File.Delete(full);
        return $"Deleted '{path}'.";
    }
}
