using System.Diagnostics;
using System.Threading.Channels;
using SafeMcp.Client;
using SafeMcp.Contracts;

namespace SafeMcp.LoadTest;

/// <summary>
/// Opens the sessions, then runs workers against the targets and measures each decision: in a closed loop (each worker
/// sends its next request when the last is answered) or, with a rate, in an open loop (<see cref="ArrivalPacer"/>).
/// </summary>
internal sealed class LoadRunner(LoadOptions options, TextWriter progress)
{
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var clients = options.Targets
            .Select(target => new SafeMcpClient(new SafeMcpClientOptions
            {
                BaseAddress = target,
                ApiKey = options.ApiKey,
                // A couple of retries: in a cluster a request may meet a session that is moving (503) and is then retried,
                // as a real client would; the latency recorded includes them.
                MaxRetries = options.Targets.Count > 1 ? 2 : 0,
                MaxConnectionsPerServer = Math.Max(options.Concurrency, 16),
                AttemptTimeout = TimeSpan.FromSeconds(30),
            }))
            .ToArray();
        try
        {
            var runId = Guid.NewGuid().ToString("N")[..8];
            var sessionIds = Enumerable.Range(0, options.Sessions).Select(i => $"load-{runId}-{i}").ToArray();
            await OpenSessionsAsync(clients, sessionIds, cancellationToken).ConfigureAwait(false);

            var steps = new long[sessionIds.Length];
            var verdicts = new long[3];
            var recorder = new LatencyRecorder(options.Concurrency);
            var total = Stopwatch.StartNew();
            var warmupEnds = options.Warmup;
            var runEnds = options.Warmup + (options.Duration > LoadOptions.MaxDuration ? LoadOptions.MaxDuration : options.Duration);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(runEnds);
            var measuredStart = 0L;

            // Closed loop: each worker sends its next request when the last one is answered. Open loop: requests are due on
            // the pacer's schedule and each is timed from when it was due.
            using var pacer = options.Rate > 0 ? new ArrivalPacer(options.Rate) : null;
            var answered = 0L;
            var reporter = ReportProgressAsync(() => Interlocked.Read(ref answered), pacer is null ? null : () => pacer.Due.Count, recorder, total, warmupEnds, stop.Token);
            // This process's processor time when the measured window opens: the load generator shares the machine with
            // what it measures, and what it spends a decision is what the silo could not use.
            TimeSpan? generatorCpuAtMeasure = null;
            var runtimeBefore = Task.Run(async () =>
            {
                var untilMeasured = warmupEnds - total.Elapsed;
                if (untilMeasured > TimeSpan.Zero)
                {
                    await Task.Delay(untilMeasured, stop.Token).ConfigureAwait(false);
                }
                generatorCpuAtMeasure = ProcessorTime();
                return await RuntimeStatsAsync(clients, stop.Token).ConfigureAwait(false);
            }, CancellationToken.None);
            var measureFrom = Stopwatch.GetTimestamp() + (long)((warmupEnds - total.Elapsed).TotalSeconds * Stopwatch.Frequency);
            var closedLoopTickets = -1L;
            var waiting = 0L;
            using var atStop = stop.Token.Register(() => waiting = pacer?.Due.Count ?? 0);
            var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Arrival arrival;
                    if (pacer is null)
                    {
                        arrival = new Arrival(Interlocked.Increment(ref closedLoopTickets), Stopwatch.GetTimestamp());
                    }
                    else
                    {
                        // ReadAsync hands each arrival to one waiting worker (WaitToReadAsync would wake them all).
                        try
                        {
                            arrival = await pacer.Due.ReadAsync(stop.Token).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is ChannelClosedException || (e is OperationCanceledException && stop.IsCancellationRequested))
                        {
                            return;
                        }
                    }
                    var session = (int)(arrival.Index % sessionIds.Length);
                    var step = Interlocked.Increment(ref steps[session]) - 1;
                    var client = clients[session % clients.Length];
                    try
                    {
                        var decision = await client.DecideAsync(sessionIds[session], options.Scenario.Call(session, step), stop.Token).ConfigureAwait(false);
                        var elapsed = Stopwatch.GetElapsedTime(arrival.DueTimestamp);
                        Interlocked.Increment(ref answered);
                        // Closed loop: what completes after the warm-up. Open loop: what was due after it (a request due
                        // during the warm-up and answered late belongs to the warm-up, not to the measured rate).
                        if (pacer is null ? total.Elapsed < warmupEnds : arrival.DueTimestamp < measureFrom)
                        {
                            continue;
                        }
                        Interlocked.CompareExchange(ref measuredStart, pacer is null ? Stopwatch.GetTimestamp() : measureFrom, 0);
                        var second = (int)(total.Elapsed - warmupEnds).TotalSeconds;
                        if (decision.DecidedBy.Contains(SafeMcpClient.UnavailableLayer))
                        {
                            recorder.RecordError(second);
                            continue;
                        }
                        Interlocked.Increment(ref verdicts[(int)decision.Verdict]);
                        recorder.Record(worker, (long)(elapsed.TotalMicroseconds), second);
                        if (options.MaxDecisions > 0 && recorder.Count >= options.MaxDecisions)
                        {
                            await stop.CancelAsync().ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                    }
                    catch (SafeMcpException)
                    {
                        recorder.RecordError(Math.Max(0, (int)(total.Elapsed - warmupEnds).TotalSeconds));
                    }
                }
            }, CancellationToken.None)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            var generatorCpuAtEnd = ProcessorTime();
            var measured = measuredStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(measuredStart);
            var mostWaiting = await reporter.ConfigureAwait(false);
            var silos = await RuntimeDeltasAsync(clients, runtimeBefore, cancellationToken).ConfigureAwait(false);
            // Read after the task that set it has been awaited (RuntimeDeltasAsync awaits it).
            var generatorCpu = generatorCpuAtMeasure is { } atMeasure ? generatorCpuAtEnd - atMeasure : (TimeSpan?)null;

            var sorted = recorder.Sorted();
            return new LoadResult(
                Targets: options.Targets.Select(t => t.ToString()).ToArray(),
                Sessions: options.Sessions,
                Concurrency: options.Concurrency,
                MeasuredSeconds: measured.TotalSeconds,
                Decisions: sorted.Length,
                Errors: recorder.Errors,
                DecisionsPerSecond: measured.TotalSeconds > 0 ? sorted.Length / measured.TotalSeconds : 0,
                P50Ms: LatencyRecorder.Percentile(sorted, 0.50) / 1000,
                P95Ms: LatencyRecorder.Percentile(sorted, 0.95) / 1000,
                P99Ms: LatencyRecorder.Percentile(sorted, 0.99) / 1000,
                MaxMs: sorted.Length == 0 ? double.NaN : sorted[^1] / 1000.0,
                Allowed: verdicts[(int)Verdict.Allow],
                ApprovalRequired: verdicts[(int)Verdict.RequireApproval],
                Denied: verdicts[(int)Verdict.Deny],
                Scenario: options.Scenario.Name,
                Timeline: recorder.Timeline(),
                Silos: silos,
                OfferedPerSecond: pacer?.PerSecond,
                WaitingAtEnd: pacer is null ? null : waiting,
                MostWaiting: pacer is null ? null : mostWaiting,
                GeneratorCpuMicrosecondsPerDecision: generatorCpu is { } cpu && sorted.Length > 0 ? cpu.TotalMicroseconds / sorted.Length : null);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static TimeSpan ProcessorTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Each target's runtime counters, or null when one cannot give them within a few seconds (an older silo, a silo down or frozen).</summary>
    private static async Task<SiloRuntimeStats[]?> RuntimeStatsAsync(SafeMcpClient[] clients, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await Task.WhenAll(clients.Select(client => client.GetRuntimeStatsAsync(timeout.Token))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SafeMcpException or HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>What each silo spent between the end of the warm-up and now; null when either snapshot is missing.</summary>
    private static async Task<IReadOnlyList<SiloRuntimeDelta>?> RuntimeDeltasAsync(SafeMcpClient[] clients, Task<SiloRuntimeStats[]?> before, CancellationToken cancellationToken)
    {
        SiloRuntimeStats[]? start;
        try
        {
            start = await before.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        var end = await RuntimeStatsAsync(clients, cancellationToken).ConfigureAwait(false);
        return start is null || end is null ? null : start.Zip(end, SiloRuntimeDelta.Between).ToArray();
    }

    private async Task OpenSessionsAsync(SafeMcpClient[] clients, string[] sessionIds, CancellationToken cancellationToken)
    {
        var opened = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, sessionIds.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Concurrency, 64), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                await clients[i % clients.Length].OpenSessionAsync(options.Scenario.Open(sessionIds[i], i), ct).ConfigureAwait(false);
                if (Interlocked.Increment(ref opened) % 1000 == 0)
                {
                    await progress.WriteLineAsync($"opened {opened}/{sessionIds.Length} sessions").ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// Prints, every <see cref="LoadOptions.ProgressInterval"/>, the rate of answers (warm-up included), the count measured so
    /// far and, in an open loop, the requests due but not yet sent; returns the most of those seen in the measured window.
    /// </summary>
    private async Task<long> ReportProgressAsync(Func<long> answered, Func<int>? waiting, LatencyRecorder recorder, Stopwatch total, TimeSpan warmupEnds, CancellationToken stop)
    {
        var last = 0L;
        var mostWaiting = 0L;
        using var timer = new PeriodicTimer(options.ProgressInterval);
        var perSecond = 1 / options.ProgressInterval.TotalSeconds;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var count = answered();
                var measuring = total.Elapsed >= warmupEnds;
                var queued = waiting?.Invoke() ?? 0;
                if (measuring)
                {
                    mostWaiting = Math.Max(mostWaiting, queued);
                }
                var phase = measuring ? "measure" : "warmup";
                await progress.WriteLineAsync($"[{total.Elapsed.TotalSeconds,5:0}s {phase}] {(count - last) * perSecond,7:0} decisions/s  measured {recorder.Count}  errors {recorder.Errors}{(waiting is null ? "" : $"  waiting {queued}")}").ConfigureAwait(false);
                last = count;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return mostWaiting;
    }
}
