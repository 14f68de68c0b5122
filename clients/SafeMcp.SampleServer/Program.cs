using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SafeMcp.SampleServer;
using SafeMcp.SampleServer.Tools;

// A stdio MCP server: stdout carries the protocol, so every log line goes to stderr.
SampleServerOptions settings;
try
{
    settings = SampleServerOptions.From(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<Sandbox>();
builder.Services.AddSingleton(new HttpClient { Timeout = settings.FetchTimeout });

var mcp = builder.Services
    .AddMcpServer(server => server.ServerInfo = new() { Name = "safemcp-sample-server", Version = "1.0.0" })
    .WithStdioServerTransport()
    .WithTools<FileTools>()
    .WithTools<ShellTools>()
    .WithTools<NetworkTools>()
    .WithTools<MessageTools>();

if (!settings.Unsupervised)
{
    // A silo started with `safemcp silo` listens on the default address, so only the key is required.
    var url = NullIfEmpty(Environment.GetEnvironmentVariable("SAFEMCP_URL")) ?? SampleServerOptions.DefaultSiloUrl;
    var apiKey = Environment.GetEnvironmentVariable("SAFEMCP_API_KEY");
    if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || string.IsNullOrWhiteSpace(apiKey))
    {
        Console.Error.WriteLine($"Set SAFEMCP_API_KEY (an agent key) and, for a silo not on {SampleServerOptions.DefaultSiloUrl}, SAFEMCP_URL; or pass --unsupervised.");
        return 2;
    }
    mcp.WithSafeMcp(options =>
    {
        options.BaseAddress = baseAddress;
        options.ApiKey = apiKey;
        // Its own server name, so its tools are pinned apart from other servers of the tenant (`default`).
        options.ServerName = NullIfEmpty(Environment.GetEnvironmentVariable("SAFEMCP_SERVER_NAME")) ?? SampleServerOptions.DefaultServerName;
        options.SessionId = NullIfEmpty(Environment.GetEnvironmentVariable("SAFEMCP_SESSION_ID"));
        options.Instruction = NullIfEmpty(Environment.GetEnvironmentVariable("SAFEMCP_INSTRUCTION"));
    });
}

await builder.Build().RunAsync().ConfigureAwait(false);
return 0;

static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
