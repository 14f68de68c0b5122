using System.Numerics;

namespace SafeMcp.Contracts;

/// <summary>Percentiles of measured samples: the one helper the benchmarks, the load tester and the evaluation share.</summary>
public static class Percentiles
{
    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1) of ascending <paramref name="sorted"/> by nearest rank: a value that was
    /// measured, not an interpolation. NaN when there is no sample.
    /// </summary>
    public static double NearestRank<T>(IReadOnlyList<T> sorted, double quantile) where T : INumberBase<T> =>
        sorted.Count == 0 ? double.NaN : double.CreateChecked(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)]);
}
