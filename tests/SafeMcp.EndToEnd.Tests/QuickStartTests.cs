using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SafeMcp.Testing;

namespace SafeMcp.EndToEnd.Tests;

/// <summary>
/// The README's quick start as a new user follows it: a fresh clone of the repository, the README's own run command
/// (which builds the clone), then its curl steps against the silo it started. A real process on a real clone, so a
/// README that drifts from the code fails here.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class QuickStartTests
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task Readme_quick_start_runs_on_a_fresh_clone()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var runCommand = Assert.Single(BashBlock(readme, "## Quick start").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var curlSteps = BashBlock(readme, "### Try it with curl");
        Assert.Contains("silo", runCommand, StringComparison.Ordinal);

        using var temp = new TempDirectory("safemcp-quickstart");
        var clone = Path.Combine(temp.Path, "safemcp");
        var (cloned, cloneOutput) = await RunAsync("git", ["clone", "--quiet", RepositoryPaths.Root, clone], temp.Path, TimeSpan.FromMinutes(5));
        Assert.True(cloned == 0, cloneOutput);

        // The README's port is the silo's default; the test takes a free one so it can run beside other tests.
        var port = FreePort.Next();
        using var silo = Start("bash", ["-c", $"exec {runCommand} --urls http://127.0.0.1:{port}"], clone, out var siloOutput);
        try
        {
            var key = await WaitForKeyAndHealthAsync(silo, siloOutput, port);

            // `safemcp X` as the README spells it without installing; SAFEMCP_URL points the CLI at the test's port.
            var script = $"export SAFEMCP_URL=http://127.0.0.1:{port}\n" +
                "safemcp() { dotnet run --project clients/SafeMcp.Cli -c Release --no-build -- \"$@\"; }\n" +
                KeyLine().Replace(curlSteps, $"KEY={key}")
                    .Replace("localhost:5080", $"localhost:{port}", StringComparison.Ordinal)
                    .Replace("curl -s ", "curl -s -w '\\n' ", StringComparison.Ordinal);
            var (exit, output) = await RunAsync("bash", ["-c", script], clone, TimeSpan.FromMinutes(5));

            Assert.True(exit == 0, output);
            var lines = output.Split('\n');
            using var opened = JsonDocument.Parse(lines[0]);
            using var read = JsonDocument.Parse(lines[1]);
            using var fetch = JsonDocument.Parse(lines[2]);
            Assert.Equal("demo", opened.RootElement.GetProperty("sessionId").GetString());
            Assert.Equal("allow", read.RootElement.GetProperty("verdict").GetString());
            Assert.Equal("deny", fetch.RootElement.GetProperty("verdict").GetString());
            Assert.Contains("SAFE-T1914", fetch.RootElement.GetProperty("techniques").EnumerateArray().Select(t => t.GetString()));
            var shown = string.Join('\n', lines.Skip(3));
            Assert.Contains("Session demo (tenant default), 2 decisions", shown, StringComparison.Ordinal);
            Assert.Matches(@"deny\s+fetch_url", shown);
        }
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }

    /// <summary>The first <c>```bash</c> block after <paramref name="heading"/>.</summary>
    private static string BashBlock(string markdown, string heading)
    {
        var at = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no '{heading}'.");
        var start = markdown.IndexOf("```bash\n", at, StringComparison.Ordinal) + "```bash\n".Length;
        var end = markdown.IndexOf("\n```", start, StringComparison.Ordinal);
        return markdown[start..end].Trim();
    }

    private static async Task<string> WaitForKeyAndHealthAsync(Process silo, ConcurrentQueue<string> output, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < s_startLimit)
        {
            Assert.False(silo.HasExited, "The run command ended:" + Environment.NewLine + string.Join(Environment.NewLine, output));
            var key = output.Select(line => ApiKey().Match(line)).FirstOrDefault(m => m.Success)?.Value;
            try
            {
                if (key is not null && (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"))).IsSuccessStatusCode)
                {
                    return key;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("The silo did not print its key and answer /healthz:" + Environment.NewLine + string.Join(Environment.NewLine, output));
    }

    private static Process Start(string file, string[] args, string directory, out ConcurrentQueue<string> output)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var lines = new ConcurrentQueue<string>();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string directory, TimeSpan limit)
    {
        using var process = Start(file, args, directory, out var output);
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, string.Join('\n', output));
    }

    [GeneratedRegex(@"^KEY=\S+", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"smk_[A-Za-z0-9_\-]+")]
    private static partial Regex ApiKey();
}
