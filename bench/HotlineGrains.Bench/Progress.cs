using System.Diagnostics;

namespace HotlineGrains.Bench;

/// <summary>Progress goes to stderr, so stdout holds only the results.</summary>
internal static class Progress
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public static void Say(string message) =>
        Console.Error.WriteLine($"[{Since.Elapsed:mm\\:ss}] {message}");

    public static async Task TurnsAsync(Results results, BenchOptions options, string provider, string mode, TurnScenario scenario, int callers)
    {
        try
        {
            var result = await Noise.MeasureAsync(
                () => TurnBenchmark.RunAsync(options, provider, mode, scenario, callers),
                r => r.Cpu,
                $"{provider} {mode} {scenario} {callers}");
            results.Turns.Add(result);
            Say($"{provider,-8} {mode,-10} {result.ScenarioText,-18} {callers,3} callers: {result.TurnsPerSecond,8:F0} turns/s, " +
                $"p50 {result.Latency.P50:F2} ms, p99 {result.Latency.P99:F2} ms, runs/turn {result.RunsPerTurn:F2}, errors {result.Errors}, " +
                $"CPU cores self/pg/other {result.Cpu.Self:F2}/{result.Cpu.Postgres:F2}/{result.Cpu.Other:F2}, per second {string.Join(' ', result.PerSecond)}" +
                (result.Consistent ? string.Empty : " INCONSISTENT COUNTERS") +
                (result.FirstError is null ? string.Empty : $" (first error: {result.FirstError})"));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"turns {provider} {mode} {scenario} {callers}: {exception.GetType().Name}: {exception.Message}");
            Say($"turns {provider} {mode} {scenario} {callers} failed: {exception}");
        }
    }
}
