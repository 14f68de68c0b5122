using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SafeMcp.SampleServer.Tools;

/// <summary>Running shell commands in the sandbox.</summary>
[McpServerToolType]
internal sealed class ShellTools(Sandbox sandbox, SampleServerOptions options)
{
    // No destructive hint: whether a command destroys anything depends on the command, which the cluster inspects per call.
    [McpServerTool(Name = "run_shell_command", Title = "Run shell command", ReadOnly = false, OpenWorld = true)]
    [Description("Runs a shell command (/bin/sh -c) in the sandbox directory and returns its exit code and output.")]
    public async Task<CallToolResult> RunShellCommand([Description("The command line.")] string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = sandbox.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        // The child must not read this server's stdin: that is the MCP transport.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ShellTimeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var text = new StringBuilder();
        text.AppendLine(timedOut ? $"timed out after {options.ShellTimeout.TotalSeconds:0} s" : $"exit code {process.ExitCode}");
        text.Append(await stdout.ConfigureAwait(false));
        var errors = await stderr.ConfigureAwait(false);
        if (errors.Length > 0)
        {
            text.AppendLine().AppendLine("stderr:").Append(errors);
        }
        return new CallToolResult
        {
            IsError = timedOut || process.ExitCode != 0,
            Content = [new TextContentBlock { Text = sandbox.Cut(text.ToString()) }],
        };
    }
}
