using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SafeMcp.Testing;

/// <summary>
/// A real silo: the built <c>safemcp</c> program started as a child process on a loopback port with its
/// own SQLite file. It can be killed (SIGKILL) and started again on the same port and file.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string[] _extraArgs;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private SiloProcess(string sqlitePath, int port, string[] extraArgs, IReadOnlyDictionary<string, string>? environment = null)
    {
        SqlitePath = sqlitePath;
        Port = port;
        _extraArgs = extraArgs;
        _environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>The silo's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The embedded database file.</summary>
    public string SqlitePath { get; }

    /// <summary>The bootstrap tenant's key, printed by the first start on an empty database.</summary>
    public string? BootstrapKey { get; private set; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts a silo on a free port with a new database under <paramref name="directory"/>.</summary>
    public static Task<SiloProcess> StartAsync(string directory, params string[] extraArgs) => StartAsync(directory, new Dictionary<string, string>(), extraArgs);

    /// <summary>Starts a silo as above with extra environment variables (configuration, e.g. <c>Defenses__Grants__RefreshInterval</c>).</summary>
    public static async Task<SiloProcess> StartAsync(string directory, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var silo = new SiloProcess(Path.Combine(directory, "silo.db"), FreePort.Next(), extraArgs, environment);
        await silo.StartAgainAsync().ConfigureAwait(false);
        return silo;
    }

    /// <summary>(Re)starts the process on the same port and database; waits until <c>/readyz</c> answers.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepositoryPaths.BuiltAssembly("clients/SafeMcp.Cli", "safemcp"));
        foreach (var arg in new[] { "silo", "--urls", BaseAddress.ToString().TrimEnd('/'), "--sqlite", SqlitePath }.Concat(_extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the silo process.");
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {process.ExitCode}:{Environment.NewLine}{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "readyz")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"The silo did not become ready on {BaseAddress}:{Environment.NewLine}{Output}");
    }

    /// <summary>The running process's id (0 when not started).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Freezes the process (SIGSTOP), as a long GC pause or a stalled VM would.</summary>
    public void Pause()
    {
        Signal(SigStop);
        // kill() only queues the signal: on a loaded machine the silo can go on serving for a while. Wait until the
        // kernel reports the process stopped, so that nothing sent after Pause() can be served before Resume().
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!AllThreadsStopped(_process!.Id))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Process {_process.Id} did not stop after SIGSTOP.");
            }
            Thread.Sleep(1);
        }
    }

    private static bool AllThreadsStopped(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return true; // gone: nothing can be served
        }
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                // /proc/<pid>/task/<tid>/stat: "tid (comm) S ...": the state follows the last ')'.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                if (stat[stat.LastIndexOf(')') + 2] is not ('T' or 't'))
                {
                    return false;
                }
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return true;
    }

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public void Resume() => Signal(SigCont);

    private void Signal(int signal)
    {
        if (_process is { HasExited: false } process && SysKill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed.");
        }
    }

    private const int SigStop = 19;
    private const int SigCont = 18;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Signal(SigCont); // a frozen process is killed too
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        var match = KeyPattern().Match(line);
        if (match.Success && BootstrapKey is null)
        {
            BootstrapKey = match.Value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
    }

    [GeneratedRegex(@"smk_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
