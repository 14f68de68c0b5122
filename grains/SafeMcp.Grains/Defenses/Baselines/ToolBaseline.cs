namespace SafeMcp.Grains.Defenses.Baselines;

/// <summary>
/// One tool's behaviour in one tenant: calls a window (exponentially weighted mean and variance of completed windows)
/// and result sizes (running mean and variance of log-size, Welford). Guarded by its own lock.
/// </summary>
public sealed class ToolBaseline
{
    private readonly object _lock = new();
    private DateTimeOffset _windowStart;
    private long _windowCalls;
    private double _rateMean;
    private double _rateVariance;
    private int _windows;
    private long _sizeSamples;
    private double _sizeMean;
    private double _sizeM2;

    /// <summary>Counts a call at <paramref name="now"/>; returns the window's count and whether it deviates from the baseline.</summary>
    public (long Calls, double Limit, bool Deviates) CountCall(DateTimeOffset now, BaselineOptions options)
    {
        lock (_lock)
        {
            if (_windowStart == default)
            {
                _windowStart = now;
            }
            while (now - _windowStart >= options.RateWindow)
            {
                // Close the window (and any empty windows after it) into the moving statistics.
                CloseWindow(_windowCalls, options);
                _windowCalls = 0;
                _windowStart += options.RateWindow;
                if (now - _windowStart >= options.RateWindow * 1000)
                {
                    _windowStart = now;
                }
            }
            _windowCalls++;
            var limit = Math.Max(options.MinCallsFlagged, _rateMean + options.Deviations * Math.Sqrt(_rateVariance));
            return (_windowCalls, limit, _windows >= options.MinWindows && _windowCalls > limit);
        }
    }

    private void CloseWindow(long calls, BaselineOptions options)
    {
        if (_windows == 0)
        {
            _rateMean = calls;
            _rateVariance = 0;
        }
        else
        {
            var alpha = options.RateSmoothing;
            var delta = calls - _rateMean;
            _rateMean += alpha * delta;
            _rateVariance = (1 - alpha) * (_rateVariance + alpha * delta * delta);
        }
        _windows++;
    }

    /// <summary>Takes in a result of <paramref name="bytes"/>; returns whether it deviates (a deviating result is not learned).</summary>
    public bool ObserveResult(long bytes, BaselineOptions options)
    {
        var x = Math.Log(1 + Math.Max(0, bytes));
        lock (_lock)
        {
            if (_sizeSamples >= options.MinSamples && bytes >= options.MinBytesFlagged)
            {
                var sd = Math.Sqrt(_sizeM2 / (_sizeSamples - 1));
                // A floor on the spread keeps a tool that always returns the same size from flagging tiny changes.
                if (x > _sizeMean + options.Deviations * Math.Max(sd, 0.25))
                {
                    return true;
                }
            }
            _sizeSamples++;
            var delta = x - _sizeMean;
            _sizeMean += delta / _sizeSamples;
            _sizeM2 += delta * (x - _sizeMean);
            return false;
        }
    }

    /// <summary>A snapshot for the API.</summary>
    public (int Windows, double RateMean, double RateStdDev, long Samples, double TypicalBytes) Snapshot()
    {
        lock (_lock)
        {
            return (_windows, _rateMean, Math.Sqrt(_rateVariance), _sizeSamples, _sizeSamples == 0 ? 0 : Math.Exp(_sizeMean) - 1);
        }
    }
}
