using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo;
using SafeMcp.Silo.Sessions;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// Durable decisions through a silo's session runtime and storage (group commit on SQLite), in process and without
/// HTTP, with every registered layer or with the rule layer only: decisions a second and latency percentiles.
/// </summary>
internal static class DecisionBenchmark
{
    public static async Task<int> RunAsync(int decisions, int sessions, int concurrency, bool rulesOnly, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"safemcp-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var options = new SiloOptions { SqlitePath = Path.Combine(directory, "bench.db"), BootstrapTenant = "bench" };
            var app = SiloHost.Build(options);
            await SiloHost.BootstrapAsync(app, TextWriter.Null, cancellationToken).ConfigureAwait(false);
            var services = app.Services;
            var runtime = rulesOnly
                ? new SessionGrainRuntime(services.GetRequiredService<ISessionStore>(), DecisionPipeline.RulesOnly(),
                    services.GetRequiredService<IOptions<SessionGrainOptions>>(), TimeProvider.System)
                : services.GetRequiredService<SessionGrainRuntime>();
            var pipeline = rulesOnly ? DecisionPipeline.RulesOnly() : services.GetRequiredService<DecisionPipeline>();

            var tools = new[]
            {
                new ToolDescriptor("read_file", Description: "Read a file from the project.", InputSchema: JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string","maxLength":256}},"required":["path"]}""").RootElement.Clone()),
                new ToolDescriptor("search", Description: "Search the documents.", InputSchema: JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":50}}}""").RootElement.Clone()),
                new ToolDescriptor("write_file", Description: "Write a file in the project.", InputSchema: JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]}""").RootElement.Clone()),
            };
            for (var s = 0; s < sessions; s++)
            {
                var id = $"bench-{s}";
                await runtime.InvokeAsync("bench", id, grain => grain.OpenAsync(new OpenSessionRequest(id, "Summarise the project files.", tools, "bench"), cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            var requests = Enumerable.Range(0, 64).Select(i => (i % 3) switch
            {
                0 => new DecideRequest("read_file", JsonDocument.Parse($$"""{"path":"src/file{{i}}.cs"}""").RootElement.Clone()),
                1 => new DecideRequest("search", JsonDocument.Parse($$"""{"q":"term {{i}}","limit":10}""").RootElement.Clone()),
                _ => new DecideRequest("write_file", JsonDocument.Parse($$"""{"path":"out/{{i}}.md","content":"notes {{i}}"}""").RootElement.Clone()),
            }).ToArray();

            var latencies = new double[decisions];
            var next = -1;
            var verdicts = new int[3];
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < decisions)
                {
                    var session = $"bench-{n % sessions}";
                    var request = requests[(n / sessions) % requests.Length];
                    var start = Stopwatch.GetTimestamp();
                    var decision = await runtime.InvokeAsync("bench", session, grain => grain.DecideAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
                    latencies[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    Interlocked.Increment(ref verdicts[(int)decision.Verdict]);
                }
            }, cancellationToken)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            clock.Stop();
            // CPU time of this process a decision: steadier than wall-clock figures on a shared machine.
            var cpuPerDecision = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / decisions;

            Array.Sort(latencies);
            double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"layers: {(rulesOnly ? "rules only" : string.Join(", ", pipeline.Detectors.Select(d => d.GetType().Name).Concat(pipeline.Gates.Select(g => g.Layer))))}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{decisions} durable decisions, {sessions} sessions, {concurrency} concurrent: {decisions / clock.Elapsed.TotalSeconds:F0} decisions/s; latency ms p50 {P(0.50):F3} p90 {P(0.90):F3} p99 {P(0.99):F3} max {latencies[^1]:F3}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"process CPU a decision: {cpuPerDecision:F1} µs (all threads: grains, group commit, SQLite)"));
            output.WriteLine($"verdicts: allow {verdicts[0]}, require_approval {verdicts[1]}, deny {verdicts[2]}");
            await app.DisposeAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
