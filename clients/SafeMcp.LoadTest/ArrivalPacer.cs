using System.Diagnostics;
using System.Threading.Channels;

namespace SafeMcp.LoadTest;

/// <summary>One request of an open-loop run: its place in the schedule and the time it was due (a <see cref="Stopwatch"/> timestamp).</summary>
internal readonly record struct Arrival(long Index, long DueTimestamp);

/// <summary>
/// Open-loop arrivals at a fixed rate: request i is due at start + i / rate, whether or not earlier requests have been
/// answered. A thread releases the requests that are due about every millisecond (never one before its time); workers
/// take them in order. Latency is measured from the due time, so time spent waiting for a free worker counts: a silo
/// that falls behind shows it in its percentiles instead of slowing the arrivals down (no coordinated omission).
/// </summary>
internal sealed class ArrivalPacer : IDisposable
{
    private readonly Channel<Arrival> _due = Channel.CreateUnbounded<Arrival>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly double _ticksPerArrival;
    private readonly Thread _thread;
    private readonly long _start;
    private volatile bool _stopped;
    private long _released;

    /// <param name="perSecond">Requests a second; positive.</param>
    public ArrivalPacer(double perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        PerSecond = perSecond;
        _ticksPerArrival = Stopwatch.Frequency / perSecond;
        _start = Stopwatch.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "arrival pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>The rate asked for.</summary>
    public double PerSecond { get; }

    /// <summary>Requests that are due, in order. Completes when the pacer is disposed.</summary>
    public ChannelReader<Arrival> Due => _due.Reader;

    /// <summary>Requests released so far.</summary>
    public long Released => Interlocked.Read(ref _released);

    /// <summary>When request <paramref name="index"/> is due.</summary>
    public long DueTimestamp(long index) => _start + (long)(index * _ticksPerArrival);

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            var now = Stopwatch.GetTimestamp();
            var released = _released;
            while (DueTimestamp(released) <= now)
            {
                _due.Writer.TryWrite(new Arrival(released, DueTimestamp(released)));
                released++;
            }
            Interlocked.Exchange(ref _released, released);
            Thread.Sleep(1);
        }
        _due.Writer.TryComplete();
    }
}
