using System.Diagnostics;
using System.Text.Json;
using SafeMcp.Client;
using SafeMcp.Contracts;
using SafeMcp.HookOverhead;
using SafeMcp.Testing;

// Starts a silo (SQLite) and the sample MCP server twice, over real stdio: once unsupervised and once
// hooked with WithSafeMcp. Each server gets the same benign tools/call, one at a time; the difference
// of the percentiles is what the hook costs a call (a durable decision plus an outcome report).
// "cluster alone" is those two round trips made directly with SafeMcpClient, without MCP.
OverheadOptions options;
try
{
    options = OverheadOptions.From(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var directory = new TempDirectory("safemcp-hook-overhead");
await using var silo = await SiloProcess.StartAsync(directory.Path);
void Prepare(string sandbox) => File.WriteAllText(Path.Combine(sandbox, "notes.txt"), "Meeting moved to Thursday.");

LatencySample without, with, cluster;
await using (var plain = await SampleServerSession.StartUnsupervisedAsync(Prepare))
{
    without = await MeasureAsync(plain, options);
}
await using (var hooked = await SampleServerSession.StartAsync(silo.BaseAddress, silo.BootstrapKey!, "Summarize my notes.", prepareSandbox: Prepare))
{
    with = await MeasureAsync(hooked, options);
}
using (var client = new SafeMcpClient(new SafeMcpClientOptions { BaseAddress = silo.BaseAddress, ApiKey = silo.BootstrapKey }))
{
    cluster = await MeasureClusterAsync(client, options);
}

Console.WriteLine($"tools/call read_file over stdio, {options.Calls} calls each after {options.Warmup} warm-up calls, one at a time ({RepositoryPaths.Configuration} build):");
Console.WriteLine($"{"",-16}{"p50 ms",10}{"p99 ms",10}{"mean ms",10}{"max ms",10}");
Print("without hook", without);
Print("with hook", with);
Print("cluster alone", cluster);
Console.WriteLine($"{"hook overhead",-16}{with.Percentile(50) - without.Percentile(50),10:0.000}{with.Percentile(99) - without.Percentile(99),10:0.000}{with.Mean - without.Mean,10:0.000}");
return 0;

static void Print(string label, LatencySample sample) =>
    Console.WriteLine($"{label,-16}{sample.Percentile(50),10:0.000}{sample.Percentile(99),10:0.000}{sample.Mean,10:0.000}{sample.Max,10:0.000}");

static Task<LatencySample> MeasureAsync(SampleServerSession server, OverheadOptions options) =>
    MeasureSeriesAsync(() => CallAsync(server), options);

// What the hook asks of the cluster for one call, without MCP: a decision, then the outcome report.
static async Task<LatencySample> MeasureClusterAsync(SafeMcpClient client, OverheadOptions options)
{
    var sessionId = $"overhead-{Guid.NewGuid():N}";
    await client.OpenSessionAsync(new OpenSessionRequest(sessionId, "Summarize my notes.",
        [new ToolDescriptor("read_file", "Read file", "Reads a text file of the sandbox directory and returns its content.")]));
    var arguments = JsonDocument.Parse("""{"path":"notes.txt"}""").RootElement.Clone();
    return await MeasureSeriesAsync(async () =>
    {
        var decision = await client.DecideAsync(sessionId, new DecideRequest("read_file", arguments));
        await client.ReportOutcomeAsync(sessionId, new OutcomeReport(decision.Sequence, false, "Meeting moved to Thursday.", 60));
    }, options);
}

static async Task<LatencySample> MeasureSeriesAsync(Func<Task> call, OverheadOptions options)
{
    for (var i = 0; i < options.Warmup; i++)
    {
        await call();
    }
    var latencies = new double[options.Calls];
    for (var i = 0; i < latencies.Length; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    return new LatencySample(latencies);
}

static async Task CallAsync(SampleServerSession server)
{
    var result = await server.CallAsync("read_file", ("path", "notes.txt"));
    if (result.IsError == true)
    {
        throw new InvalidOperationException("The call failed: " + SampleServerSession.Text(result) + Environment.NewLine + server.ServerLog);
    }
}
