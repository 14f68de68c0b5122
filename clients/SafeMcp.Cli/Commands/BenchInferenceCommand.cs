using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Decisions;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Inference;
using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Data;
using SafeMcp.WorldModel.Evaluation;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.ModelFile;
using SafeMcp.WorldModel.Network;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Cli.Commands;

/// <summary>
/// <c>safemcp bench-inference</c>: the world model's cost. Forward-pass throughput at batch 1 and batch B
/// (features included), and per-check latency percentiles through the silo's batching inference service
/// with concurrent callers. Inputs are the checks of a SafeMCP-format file (labels are not read).
/// </summary>
internal static class BenchInferenceCommand
{
    public static Command Create()
    {
        var model = WorldModelPaths.Model();
        var dataDir = WorldModelPaths.DataDirectory();
        var seconds = new Option<double>("--seconds") { Description = "Duration of each measurement.", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "The large batch compared with batch 1.", DefaultValueFactory = _ => 64 };
        var callers = new Option<int>("--callers") { Description = "Concurrent callers of the batching service.", DefaultValueFactory = _ => 64 };
        var maxBatch = new Option<int>("--max-batch") { Description = "The batching service's B.", DefaultValueFactory = _ => new InferenceOptions().MaxBatch };
        var maxDelay = new Option<int>("--max-delay") { Description = "The batching service's T, in microseconds.", DefaultValueFactory = _ => new InferenceOptions().MaxDelayMicroseconds };

        var transformer = WorldModelPaths.Transformer();
        var threads = new Option<int>("--threads") { Description = "With --transformer: ONNX Runtime's threads a pass (0: one a core).", DefaultValueFactory = _ => 0 };

        var command = new Command("bench-inference", "Measure world-model inference: batch-1 vs batch-B throughput and per-check latency under batching.")
        {
            model, dataDir, seconds, batch, callers, maxBatch, maxDelay, transformer, threads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var predictor = WorldModelPredictor.Load(parse.GetValue(model)!, new LookAheadOptions());
                var path = WorldModelPaths.RequireFile(Path.Combine(parse.GetValue(dataDir)!, "safemcp", "stage2_test.jsonl"), "Benchmark checks (safemcp/stage2_test.jsonl)");
                var inputs = TrajectoryJsonl.Read(path).Select(r => r.Input).ToArray();
                var duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
                var size = parse.GetValue(batch);
                if (parse.GetValue(transformer) is { } onnx)
                {
                    Transformer(onnx, parse.GetValue(threads), inputs, duration);
                    return 0;
                }
                Console.WriteLine($"{inputs.Length} distinct checks, model {predictor.Network.Weights.Shape}, backend {predictor.Network.Backend.Name}, {Environment.ProcessorCount} cores");

                // Warm-up long enough for tiered compilation to reach its optimized code.
                Throughput(predictor, inputs, size, duration);
                var single = Throughput(predictor, inputs, 1, duration);
                var batched = Throughput(predictor, inputs, size, duration);
                Console.WriteLine($"forward (features + network), batch 1:   {single.Rate,10:F0} checks/s  ({1e6 / single.Rate:F1} µs/check)");
                Console.WriteLine($"forward (features + network), batch {size}: {batched.Rate,10:F0} checks/s  ({1e6 / batched.Rate:F1} µs/check)");
                Console.WriteLine($"batch-{size} / batch-1 throughput:         {batched.Rate / single.Rate,10:F2}x");
                Console.WriteLine($"allocated per check (forward):            {single.AllocatedBytes,10:F0} B at batch 1, {batched.AllocatedBytes:F0} B at batch {size}");
                var encoded = inputs.Select(predictor.Extractor.Encode).ToArray();
                var featureCost = Time(() => { foreach (var input in inputs) predictor.Extractor.Encode(input); }, inputs.Length, duration);
                var networkSingle = Time(() => { foreach (var e in encoded) predictor.Network.Predict([e]); }, inputs.Length, duration);
                var networkBatched = Time(() => predictor.Network.Predict(encoded), inputs.Length, duration);
                Console.WriteLine($"of which features {featureCost:F1} µs/check; network alone {networkSingle:F1} µs/check at batch 1, {networkBatched:F1} µs/check at batch {inputs.Length}");
                var cachedSingle = Time(() => { foreach (var input in inputs) predictor.Predict([input]); }, inputs.Length, duration);
                var cachedBatched = Time(() => predictor.Predict(inputs), inputs.Length, duration);
                Console.WriteLine($"(uncached features and network, as training computes them; with the session cache, features + network "
                    + $"{cachedSingle:F1} µs/check at batch 1, {cachedBatched:F1} µs/check at batch {inputs.Length})");

                var rulesOnly = await DecisionPathAsync(DecisionPaths.Create((WorldModelPredictor?)null).Pipeline, inputs, duration, cancellationToken).ConfigureAwait(false);
                var withModel = await DecisionPathAsync(DecisionPaths.Create(predictor).Pipeline, inputs, duration, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"decision path (session grain, in-memory store), rules + defenses:   {rulesOnly:F1} µs/decision");
                Console.WriteLine($"decision path (session grain, in-memory store), + world model:      {withModel:F1} µs/decision (world model adds {withModel - rulesOnly:F1} µs)");

                var options = new InferenceOptions { MaxBatch = parse.GetValue(maxBatch), MaxDelayMicroseconds = parse.GetValue(maxDelay) };
                await using var service = new BatchingInferenceService(predictor, Options.Create(options));
                foreach (var concurrency in new[] { 1, 8, parse.GetValue(callers) })
                {
                    var checksBefore = service.Checks;
                    var batchesBefore = service.Batches;
                    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                    var (latencies, rate) = await ServiceAsync(service, inputs, concurrency, duration, cancellationToken).ConfigureAwait(false);
                    var checks = Math.Max(1, service.Checks - checksBefore);
                    var allocated = (double)(GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / checks;
                    Console.WriteLine($"batching service, {concurrency,3} callers (B={options.MaxBatch}, T={options.MaxDelayMicroseconds} µs): {rate,9:F0} checks/s, "
                        + $"per check p50 {Evaluator.Percentile(latencies, 0.5):F0} µs, p99 {Evaluator.Percentile(latencies, 0.99):F0} µs, "
                        + $"mean batch {(double)checks / Math.Max(1, service.Batches - batchesBefore):F1}, allocated {allocated:F0} B/check (callers included), "
                        + $"gen0/1/2 collections so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
                }
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ModelFileException or ArgumentException)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>The transformer's (tier 2) checks/s at batch 1, 8 and 64, each measured for about <paramref name="duration"/> after a warm-up batch.</summary>
    private static void Transformer(string path, int threads, WorldModelInput[] inputs, TimeSpan duration)
    {
        using var model = OnnxWorldModel.Load(path, new OnnxModelOptions { IntraOpThreads = threads });
        Console.WriteLine($"{inputs.Length} distinct checks, {model.Description}, {(threads == 0 ? "one thread a core" : $"{threads} threads")}, {Environment.ProcessorCount} cores");
        foreach (var size in new[] { 1, 8, 64 })
        {
            var batch = Enumerable.Range(0, size).Select(i => inputs[i % inputs.Length]).ToArray();
            model.Check(batch);
            var checks = 0;
            var started = Stopwatch.GetTimestamp();
            do
            {
                model.Check(batch);
                checks += size;
            }
            while (Stopwatch.GetElapsedTime(started) < duration);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"transformer, batch {size,2}: {checks / elapsed,8:F1} checks/s ({1000 * elapsed / checks:F1} ms/check, {checks} checks)");
        }
    }

    /// <summary>Mean time of one decision through a session grain: each check's current action decided in a session opened with its tools.</summary>
    private static async Task<double> DecisionPathAsync(DecisionPipeline pipeline, WorldModelInput[] inputs, TimeSpan duration, CancellationToken cancellationToken)
    {
        var store = new InMemorySessionStore();
        var grains = new List<(SessionGrain Grain, DecideRequest Request)>();
        foreach (var (input, i) in inputs.Select((input, i) => (input, i)))
        {
            if (input.Current?.Action is not { } action || input.Tools.All(t => t.Name != action))
            {
                continue;
            }
            var grain = await SessionGrain.ActivateAsync("bench", $"s{i}", store, pipeline, new SessionGrainOptions(), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await grain.OpenAsync(new OpenSessionRequest($"s{i}", input.Instruction, input.Tools.Select(t => new ToolDescriptor(t.Name, null, t.Description)).ToArray()), cancellationToken).ConfigureAwait(false);
            var arguments = input.Current.ArgumentsText is { Length: > 0 } text && text[0] == '{' ? TryParse(text) : null;
            grains.Add((grain, new DecideRequest(action, arguments, input.Current.Thought)));
        }
        var watch = Stopwatch.StartNew();
        long decisions = 0;
        var warmUp = true;
        while (warmUp || watch.Elapsed < duration)
        {
            foreach (var (grain, request) in grains)
            {
                await grain.DecideAsync(request, cancellationToken).ConfigureAwait(false);
                decisions++;
            }
            if (warmUp)
            {
                warmUp = false;
                decisions = 0;
                watch.Restart();
            }
        }
        return watch.Elapsed.TotalMicroseconds / decisions;
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double Time(Action pass, int checksPerPass, TimeSpan duration)
    {
        pass();
        var watch = Stopwatch.StartNew();
        long checks = 0;
        while (watch.Elapsed < duration)
        {
            pass();
            checks += checksPerPass;
        }
        return watch.Elapsed.TotalMicroseconds / checks;
    }

    /// <summary>Checks per second through <see cref="WorldModelPredictor.Check"/> in batches of <paramref name="batch"/>, and bytes allocated per check.</summary>
    private static (double Rate, double AllocatedBytes) Throughput(WorldModelPredictor predictor, WorldModelInput[] inputs, int batch, TimeSpan duration)
    {
        var chunk = Enumerable.Range(0, batch).Select(i => inputs[i % inputs.Length]).ToArray();
        predictor.Check(chunk); // warm-up: JIT and feature caches
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        long checks = 0;
        var offset = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < batch; i++)
            {
                chunk[i] = inputs[(offset + i) % inputs.Length];
            }
            offset += batch;
            predictor.Check(chunk);
            checks += batch;
        }
        var rate = checks / watch.Elapsed.TotalSeconds;
        return (rate, (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / checks);
    }

    private static async Task<(double[] Latencies, double Rate)> ServiceAsync(BatchingInferenceService service, WorldModelInput[] inputs, int callers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var i = c;
            while (watch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await service.CheckAsync(inputs[i++ % inputs.Length], cancellationToken).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
            return latencies;
        }, cancellationToken))).ConfigureAwait(false);
        var all = perCaller.SelectMany(l => l).Order().ToArray();
        return (all, all.Length / watch.Elapsed.TotalSeconds);
    }
}
