using System.Diagnostics;
using SafeMcp.Testing;

namespace SafeMcp.LoadTest.Tests;

/// <summary>Open-loop load: requests come on a fixed schedule, whatever the silo does.</summary>
public sealed class OpenLoopTests
{
    [Fact]
    public async Task Arrivals_come_in_order_on_the_schedule_and_never_before_they_are_due()
    {
        const double rate = 2000;
        using var pacer = new ArrivalPacer(rate);
        var spacing = Stopwatch.Frequency / rate;
        for (var i = 0L; i < 300; i++)
        {
            var arrival = await pacer.Due.ReadAsync();
            var read = Stopwatch.GetTimestamp();
            Assert.Equal(i, arrival.Index);
            Assert.Equal(pacer.DueTimestamp(i), arrival.DueTimestamp);
            Assert.True(arrival.DueTimestamp <= read, $"arrival {i} was released before it was due");
            if (i > 0)
            {
                Assert.InRange(arrival.DueTimestamp - pacer.DueTimestamp(i - 1), spacing - 1, spacing + 1);
            }
        }
    }

    [Theory]
    [InlineData(6000, 25L, false)]   // the arrivals of the last few milliseconds
    [InlineData(6000, 600L, false)]
    [InlineData(6000, 601L, true)]   // more than a tenth of a second of arrivals
    [InlineData(6000, 15000L, true)]
    public void A_run_fell_behind_only_when_more_than_a_tenth_of_a_second_of_arrivals_was_left(double offered, long waiting, bool fellBehind)
    {
        var result = new LoadResult(["http://127.0.0.1:1/"], 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, OfferedPerSecond: offered, WaitingAtEnd: waiting);
        // A backlog seen during the run counts as much as one left at the end: the silo may have caught up since.
        var caughtUp = result with { WaitingAtEnd = 0, MostWaiting = waiting };
        Assert.Equal(fellBehind, caughtUp.FellBehind);

        Assert.Equal(fellBehind, result.FellBehind);
        Assert.False(result with { OfferedPerSecond = null, WaitingAtEnd = null } is { FellBehind: true }, "a closed loop never falls behind");
    }

    [Fact]
    public void A_pacer_needs_a_positive_rate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalPacer(0));

    [Fact]
    public async Task An_open_loop_run_sends_no_more_than_its_rate_however_fast_the_silo_answers()
    {
        using var directory = new TempDirectory();
        await using var silo = await SiloProcess.StartAsync(directory.Path);
        var options = new LoadOptions
        {
            Targets = [silo.BaseAddress],
            ApiKey = silo.BootstrapKey ?? throw new InvalidOperationException("The silo printed no key:\n" + silo.Output),
            Sessions = 20,
            Concurrency = 8,
            Rate = 100,
            Warmup = TimeSpan.FromSeconds(0.5),
            Duration = TimeSpan.FromSeconds(2),
        };

        var result = await new LoadRunner(options, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Equal(100, result.OfferedPerSecond);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Decisions > 0, "no decision was measured");
        // A silo on loopback answers a decision in about a millisecond: eight closed-loop workers would send thousands.
        Assert.True(result.Decisions <= 100 * result.MeasuredSeconds + 5, $"{result.Decisions} decisions in {result.MeasuredSeconds:0.00} s at 100/s");
        Assert.NotNull(result.WaitingAtEnd);
        Assert.NotNull(result.MostWaiting);
        // The generator measured its own processor time over the window: some, and not more than the machine has.
        Assert.NotNull(result.GeneratorCpuMicrosecondsPerDecision);
        Assert.InRange(result.GeneratorCpuMicrosecondsPerDecision.Value, 0.001, Environment.ProcessorCount * 1e6 * (result.MeasuredSeconds + 1) / result.Decisions);
    }
}
