using System.CommandLine;
using System.Text.Json;
using SafeMcp.LoadTest;

var targets = new Option<string[]>("--url") { Description = "Silo base address (repeat for several silos).", DefaultValueFactory = _ => ["http://127.0.0.1:5080"], AllowMultipleArgumentsPerToken = true };
var key = new Option<string?>("--key") { Description = "Tenant API key (default: SAFEMCP_API_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_API_KEY") };
var sessions = new Option<int>("--sessions") { Description = "Simulated agent sessions.", DefaultValueFactory = _ => 1000 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight (with --rate: at most).", DefaultValueFactory = _ => 64 };
var rate = new Option<double>("--rate")
{
    Description = "Open loop: requests a second, each timed from when it was due (default 0: closed loop, each worker sends when its last request is answered).",
    DefaultValueFactory = _ => 0,
};
var duration = new Option<double>("--duration") { Description = "Measured seconds (at most 600).", DefaultValueFactory = _ => 15 };
var warmup = new Option<double>("--warmup") { Description = "Unmeasured seconds first.", DefaultValueFactory = _ => 3 };
var maxDecisions = new Option<long>("--max-decisions") { Description = "Stop after this many measured decisions (0: none).", DefaultValueFactory = _ => 0 };
var output = new Option<string?>("--out") { Description = "Write the result as JSON to this file." };
var html = new Option<string?>("--html") { Description = "Write an HTML report (figures, latency and throughput over time) to this file." };
var trajectories = new Option<string?>("--trajectories")
{
    Description = "Replay recorded trajectories: a .jsonl file or a folder of them (SafeMCP stage-2 rows). Default: ../shared/data/safemcp beside the repository when present, else the synthetic script.",
};
var synthetic = new Option<bool>("--synthetic") { Description = "Use the synthetic agent script even when trajectory data is present." };

var root = new RootCommand("Load test: concurrent agent sessions against silos; prints durable decisions/s and latency percentiles.")
{
    targets, key, sessions, concurrency, rate, duration, warmup, maxDecisions, output, html, trajectories, synthetic,
};
root.SetAction(async (parse, cancellationToken) =>
{
    if (parse.GetValue(key) is not { Length: > 0 } apiKey)
    {
        Console.Error.WriteLine("An API key is needed: --key or SAFEMCP_API_KEY.");
        return 2;
    }
    var urls = parse.GetValue(targets)!.Select(u => new Uri(u)).ToArray();
    if (urls.FirstOrDefault(u => !u.IsLoopback) is { } remote)
    {
        Console.Error.WriteLine($"Refusing {remote}: the load tester only targets loopback addresses.");
        return 2;
    }
    var options = new LoadOptions
    {
        Targets = urls,
        ApiKey = apiKey,
        Sessions = Math.Max(1, parse.GetValue(sessions)),
        Concurrency = Math.Max(1, parse.GetValue(concurrency)),
        Rate = Math.Max(0, parse.GetValue(rate)),
        Duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(duration), 1, LoadOptions.MaxDuration.TotalSeconds)),
        Warmup = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(warmup))),
        MaxDecisions = parse.GetValue(maxDecisions),
        Scenario = parse.GetValue(synthetic) ? new SyntheticScenario() : ScenarioSource.Find(parse.GetValue(trajectories)),
    };
    Console.WriteLine($"scenario     {options.Scenario.Name}");
    var result = await new LoadRunner(options, Console.Out).RunAsync(cancellationToken).ConfigureAwait(false);
    Console.WriteLine();
    Console.WriteLine($"targets      {string.Join(", ", result.Targets)}");
    Console.WriteLine($"sessions     {result.Sessions}   concurrency {result.Concurrency}   measured {result.MeasuredSeconds:0.0} s");
    Console.WriteLine($"decisions    {result.Decisions} durable ({result.Allowed} allow, {result.ApprovalRequired} require_approval, {result.Denied} deny), {result.Errors} errors");
    Console.WriteLine(result.OfferedPerSecond is { } offered
        ? $"throughput   {result.DecisionsPerSecond:0} decisions/s, offered {offered:0}/s (open loop){$", {result.WaitingAtEnd} due but not sent at the end, at most {result.MostWaiting} waiting{(result.FellBehind ? ": the silo fell behind" : "")}"}"
        : $"throughput   {result.DecisionsPerSecond:0} decisions/s");
    Console.WriteLine($"latency ms   p50 {result.P50Ms:0.000}   p95 {result.P95Ms:0.000}   p99 {result.P99Ms:0.000}   max {result.MaxMs:0.000}");
    foreach (var silo in result.Silos ?? [])
    {
        // Decisions spread evenly over the silos; per-decision costs are each silo's own over its share.
        Console.WriteLine($"silo runtime {silo.Describe((double)result.Decisions / result.Silos!.Count)}");
    }
    if (result.DescribeGenerator() is { } generator)
    {
        Console.WriteLine($"load gen     {generator}");
    }
    if (parse.GetValue(output) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, LoadResultJsonContext.Default.LoadResult), cancellationToken).ConfigureAwait(false);
    }
    if (parse.GetValue(html) is { } report)
    {
        await File.WriteAllTextAsync(report, HtmlReport.Render(result), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"report       {Path.GetFullPath(report)}");
    }
    return result.Decisions > 0 && result.Errors == 0 ? 0 : 1;
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
