using System.Diagnostics;

namespace HotlineGrains.Bench;

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
internal sealed record Percentiles(long Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Percentiles FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }

        Array.Sort(ticks);
        var toMs = 1000.0 / Stopwatch.Frequency;
        return new Percentiles(
            ticks.Length,
            ticks.Average(t => (double)t) * toMs,
            Rank(ticks, 0.50) * toMs,
            Rank(ticks, 0.95) * toMs,
            Rank(ticks, 0.99) * toMs,
            ticks[^1] * toMs);
    }

    public static Percentiles FromMilliseconds(double[] values)
    {
        if (values.Length == 0)
        {
            return Empty;
        }

        Array.Sort(values);
        return new Percentiles(values.Length, values.Average(), Rank(values, 0.50), Rank(values, 0.95), Rank(values, 0.99), values[^1]);
    }

    private static T Rank<T>(T[] sorted, double quantile)
    {
        var index = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
