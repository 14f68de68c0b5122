namespace SafeMcp.SampleServer;

/// <summary>The sample server's settings, from arguments and environment variables.</summary>
internal sealed class SampleServerOptions
{
    /// <summary>The directory the tools work in (<c>--sandbox</c> or <c>SAFEMCP_SANDBOX</c>). Default: <c>safemcp-sandbox</c> under the temp directory.</summary>
    public required string Sandbox { get; init; }

    /// <summary>Whether to run without the SafeMCP hook (<c>--unsupervised</c>), e.g. to measure the hook's overhead. Default false.</summary>
    public bool Unsupervised { get; init; }

    /// <summary>How long a shell command may run (<c>SAFEMCP_SHELL_TIMEOUT_SECONDS</c>). Default 10 seconds.</summary>
    public TimeSpan ShellTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a URL fetch may take. Default 10 seconds.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest output a tool returns; the rest is cut. Default 65,536 characters.</summary>
    public int MaxOutputChars { get; init; } = 64 * 1024;

    /// <summary>
    /// The server's implementation name (<c>--server-name</c> or <c>SAFEMCP_SERVER_NAME</c>), which the hook takes as its
    /// slice of the session's tools: two copies under two names join one session as two servers. Default <c>safemcp-sample-server</c>.
    /// </summary>
    public string ServerName { get; init; } = "safemcp-sample-server";

    /// <summary>The file <c>send_message</c> appends to, inside the sandbox. Default <c>outbox.jsonl</c>.</summary>
    public string OutboxFile { get; init; } = "outbox.jsonl";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Reads the settings from <paramref name="args"/> and the environment.</summary>
    public static SampleServerOptions From(string[] args)
    {
        string? sandbox = null;
        string? serverName = null;
        var unsupervised = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sandbox" when i + 1 < args.Length:
                    sandbox = args[++i];
                    break;
                case "--server-name" when i + 1 < args.Length:
                    serverName = args[++i];
                    break;
                case "--unsupervised":
                    unsupervised = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: safemcp-sample-server [--sandbox DIR] [--server-name NAME] [--unsupervised]");
            }
        }
        sandbox ??= Environment.GetEnvironmentVariable("SAFEMCP_SANDBOX") ?? Path.Combine(Path.GetTempPath(), "safemcp-sandbox");
        var timeout = Environment.GetEnvironmentVariable("SAFEMCP_SHELL_TIMEOUT_SECONDS");
        return new SampleServerOptions
        {
            Sandbox = Path.GetFullPath(sandbox),
            Unsupervised = unsupervised,
            ServerName = serverName ?? NullIfBlank(Environment.GetEnvironmentVariable("SAFEMCP_SERVER_NAME")) ?? "safemcp-sample-server",
            ShellTimeout = int.TryParse(timeout, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(10),
        };
    }
}
