using System.Diagnostics;

namespace HotlineGrains.Bench;

/// <summary>Progress goes to stderr, so stdout holds only the results.</summary>
internal static class Progress
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public static void Say(string message) =>
        Console.Error.WriteLine($"[{Since.Elapsed:mm\\:ss}] {message}");

    public static async Task TurnsAsync(Results results, BenchOptions options, string provider, TurnScenario scenario, int callers, TurnWork work = TurnWork.Counter, bool relay = false, string? connectionOptions = null)
    {
        var what = $"{provider} {work} {scenario} {callers}{(relay ? " relay on" : string.Empty)}{(connectionOptions is null ? string.Empty : " " + connectionOptions)}";
        try
        {
            var result = await Noise.MeasureAsync(
                () => TurnBenchmark.RunAsync(options, provider, scenario, callers, work, relay, connectionOptions),
                r => r.Cpu,
                what);
            results.Turns.Add(result);
            Say($"{provider,-8} {work,-9} {result.ScenarioText,-18} {callers,3} callers{(relay ? ", relay on" : string.Empty)}{(connectionOptions is null ? string.Empty : ", " + connectionOptions)}: {result.TurnsPerSecond,8:F0}/s, " +
                $"p50 {result.Latency.P50:F2} ms, p99 {result.Latency.P99:F2} ms, runs/turn {result.RunsPerTurn:F2}, errors {result.Errors}, " +
                $"CPU cores self/pg/other {result.Cpu.Self:F2}/{result.Cpu.Postgres:F2}/{result.Cpu.Other:F2}, per second {string.Join(' ', result.PerSecond)}" +
                (result.Consistent ? string.Empty : $" INCONSISTENT COUNTERS (stored {result.Stored})") +
                (result.FirstError is null ? string.Empty : $" (first error: {result.FirstError})"));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"turns {what}: {exception.GetType().Name}: {exception.Message}");
            Say($"turns {what} failed: {exception}");
        }
    }
}
