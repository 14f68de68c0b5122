using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SafeMcp.Benchmarks;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Sessions;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Storage.Sqlite;

// Prints the CPU and wall cost per decision of each stage of the decision path, in one process.
var sessions = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256;
var workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 64;
var decisions = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50_000;
var tools = new ToolDescriptor[]
{
    new("read_file", Description: "Read a text file from the workspace.", InputSchema: Json("""{"type":"object","properties":{"path":{"type":"string"}}}""")),
    new("write_file", Description: "Write text to a file in the workspace.", InputSchema: Json("""{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}}}""")),
    new("delete_file", Description: "Delete a file.", InputSchema: Json("""{"type":"object","properties":{"path":{"type":"string"}}}""")),
    new("run_shell_command", Description: "Run a shell command.", InputSchema: Json("""{"type":"object","properties":{"command":{"type":"string"}}}""")),
    new("fetch_url", Description: "Fetch a URL over HTTP.", InputSchema: Json("""{"type":"object","properties":{"url":{"type":"string"}}}""")),
    new("send_message", Description: "Send a message.", InputSchema: Json("""{"type":"object","properties":{"recipient":{"type":"string"},"body":{"type":"string"}}}""")),
};
var calls = new DecideRequest[]
{
    new("read_file", Json("""{"path":"notes/monday.md"}""")),
    new("run_shell_command", Json("""{"command":"wc -l notes/monday.md"}""")),
    new("write_file", Json("""{"path":"report.md","content":"# Report\nAll good."}""")),
    new("fetch_url", Json("""{"url":"https://docs.example.com/style-guide"}""")),
};

await Measure("grain only (in-memory store)", new InMemorySessionStore());
var directory = Path.Combine(Path.GetTempPath(), "safemcp-bench-" + Guid.NewGuid().ToString("N"));
await using (var sqlite = new SqliteStorage(Path.Combine(directory, "silo.db"), new GroupCommitOptions()))
{
    await sqlite.CreateTenantAsync("t", "t", CancellationToken.None);
    await Measure("grain + SQLite group commit", sqlite);
    Console.WriteLine($"  batches {sqlite.Batches}, writes {sqlite.Writes}, mean batch {(double)sqlite.Writes / Math.Max(1, sqlite.Batches):0.0}");
}
Directory.Delete(directory, recursive: true);

async Task Measure(string name, ISessionStore store)
{
    var pipeline = DecisionPipeline.RulesOnly();
    var runtime = new SessionGrainRuntime(store, pipeline, Options.Create(new SessionGrainOptions()), TimeProvider.System);
    for (var s = 0; s < sessions; s++)
    {
        var id = $"s{s}";
        await runtime.InvokeAsync("t", id, g => g.OpenAsync(new OpenSessionRequest(id, "Summarize the notes into report.md.", tools), default), default);
    }
    for (var round = 0; round < 2; round++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < decisions)
            {
                var id = $"s{i % sessions}";
                await runtime.InvokeAsync("t", id, g => g.DecideAsync(calls[i / sessions % calls.Length], default), default);
            }
        })));
        var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / decisions;
        if (round == 1)
        {
            Console.WriteLine($"{name,-32} {decisions / wall.Elapsed.TotalSeconds,10:0} decisions/s   {cpuUs,7:0.0} µs CPU per decision");
        }
    }
}

static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
