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
    .AddMcpServer(server => server.ServerInfo = new() { Name = settings.ServerName, Version = "1.0.0" })
    .WithStdioServerTransport()
    .WithTools<FileTools>()
    .WithTools<ShellTools>()
    .WithTools<NetworkTools>()
    .WithTools<MessageTools>();

if (!settings.Unsupervised)
{
    var url = Environment.GetEnvironmentVariable("SAFEMCP_URL");
    var apiKey = Environment.GetEnvironmentVariable("SAFEMCP_API_KEY");
    if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || string.IsNullOrWhiteSpace(apiKey))
    {
        Console.Error.WriteLine("Set SAFEMCP_URL (a silo's address) and SAFEMCP_API_KEY (a tenant key), or pass --unsupervised.");
        return 2;
    }
    mcp.WithSafeMcp(options =>
    {
        options.BaseAddress = baseAddress;
        options.ApiKey = apiKey;
        options.Instruction = NullIfEmpty(Environment.GetEnvironmentVariable("SAFEMCP_INSTRUCTION"));
    });
}

await builder.Build().RunAsync().ConfigureAwait(false);
return 0;

static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
