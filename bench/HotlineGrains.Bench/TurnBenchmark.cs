using Orleans;
using System.Diagnostics;
using HotlineGrains.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Bench;

internal enum TurnScenario
{
    /// <summary>Every caller on a grain of its own.</summary>
    Distinct,

    /// <summary>All callers on one grain, one node.</summary>
    OneGrain,

    /// <summary>All callers on one grain, split over two silo hosts (two nodes) on the same database.</summary>
    OneGrainTwoNodes,
}

/// <summary>What one turn does.</summary>
internal enum TurnWork
{
    /// <summary>Increments a counter: a state write.</summary>
    Counter,

    /// <summary>Increments a counter and publishes one event: a state write and an outbox row.</summary>
    CounterAndEvent,
}

internal sealed record TurnResult(
    string Provider,
    string Mode,
    TurnScenario Scenario,
    int Callers,
    long Turns,
    long Errors,
    double Seconds,
    Percentiles Latency,
    double RunsPerTurn,
    bool Consistent,
    string? FirstError,
    long[] PerSecond,
    CpuUse Cpu,
    TurnWork Work = TurnWork.Counter,
    bool Relay = false,
    long Backlog = 0)
{
    /// <summary>The slowest and fastest whole second of the measured window, in turns.</summary>
    public (long Min, long Max) SecondRange => PerSecond.Length == 0 ? (0, 0) : (PerSecond.Min(), PerSecond.Max());

    public double TurnsPerSecond => Turns / Seconds;

    public int Nodes => Scenario == TurnScenario.OneGrainTwoNodes ? 2 : 1;

    public string ScenarioText => Scenario switch
    {
        TurnScenario.Distinct => "own grain each",
        TurnScenario.OneGrain => "one grain",
        _ => "one grain, 2 nodes",
    };
}

/// <summary>
/// Grain-turn throughput and latency: callers loop on CallAsync for a fixed time, each turn
/// increments a counter (a real write transaction). After the run the counters are read back and
/// must add up to the number of turns that reported success (no lost update, no phantom turn).
/// </summary>
internal static class TurnBenchmark
{
    public static async Task<TurnResult> RunAsync(
        BenchOptions options,
        string provider,
        string mode,
        TurnScenario scenario,
        int callers,
        TurnWork work = TurnWork.Counter,
        bool relay = false,
        double? seconds = null)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider, options.PostgresAdmin);
        var nodes = scenario == TurnScenario.OneGrainTwoNodes ? 2 : 1;
        var hosts = new List<IHost>();
        try
        {
            for (var n = 0; n < nodes; n++)
            {
                hosts.Add(await BenchSilo.StartAsync(BenchSilo.Settings(database, mode, outbox: relay)));
            }

            var plan = Enumerable.Range(0, callers)
                .Select(i => (Client: hosts[i % nodes].Grains(), Key: scenario == TurnScenario.Distinct ? $"k{i:D3}" : "hot", Work: work))
                .ToArray();

            var warm = options.WarmupSeconds > 0
                ? await LoadAsync(plan, TimeSpan.FromSeconds(options.WarmupSeconds), record: false)
                : new LoadResult(0, 0, 0, [], null, []);
            var runsBefore = hosts.Sum(h => h.Services.GetRequiredService<TurnCounter>().Runs);
            var sample = Noise.Start();
            var measured = await LoadAsync(plan, TimeSpan.FromSeconds(seconds ?? options.Seconds), record: true);
            var cpu = await Noise.StopAsync(sample);
            var runsAfter = hosts.Sum(h => h.Services.GetRequiredService<TurnCounter>().Runs);
            var backlog = work == TurnWork.CounterAndEvent ? await database.CountAsync("select count(*) from outbox") : 0;

            long stored = 0;
            foreach (var key in plan.Select(p => p.Key).Distinct())
            {
                stored += work == TurnWork.Counter
                    ? await hosts[0].Grains().ReadAsync<CounterBenchGrain, long>(key, g => g.Value)
                    : await hosts[0].Grains().ReadAsync<OutboxBenchGrain, long>(key, g => g.Published);
            }

            return new TurnResult(
                provider,
                mode,
                scenario,
                callers,
                measured.Turns,
                measured.Errors,
                measured.Seconds,
                Percentiles.FromTicks(measured.Latencies),
                measured.Turns == 0 ? double.NaN : (double)(runsAfter - runsBefore) / measured.Turns,
                stored == warm.Turns + measured.Turns,
                Describe(measured.FirstError ?? warm.FirstError),
                measured.PerSecond,
                cpu,
                work,
                relay,
                backlog);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await BenchSilo.StopAsync(host);
            }
        }
    }

    internal static string? Describe(Exception? error) =>
        error is null ? null : $"{error.GetType().Name}: {error.Message}";

    private sealed record LoadResult(long Turns, long Errors, double Seconds, long[] Latencies, Exception? FirstError, long[] PerSecond);

    private sealed record CallerResult(long Turns, long Errors, List<long>? Latencies, Exception? FirstError);

    private static async Task<LoadResult> LoadAsync((IGrainFactory Client, string Key, TurnWork Work)[] plan, TimeSpan duration, bool record)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perSecond = new long[(int)Math.Ceiling(duration.TotalSeconds) + 2];
        var callers = plan.Select(p => Task.Run(() => CallerAsync(p.Client, p.Key, p.Work, start, end, perSecond, record))).ToArray();
        var results = await Task.WhenAll(callers);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new LoadResult(
            results.Sum(r => r.Turns),
            results.Sum(r => r.Errors),
            seconds,
            record ? results.SelectMany(r => r.Latencies!).ToArray() : [],
            results.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
            perSecond[..(int)Math.Floor(duration.TotalSeconds)]);
    }

    private static async Task<CallerResult> CallerAsync(IGrainFactory client, string key, TurnWork work, long start, long end, long[] perSecond, bool record)
    {
        var latencies = record ? new List<long>(16_384) : null;
        long turns = 0;
        long errors = 0;
        Exception? firstError = null;
        while (Stopwatch.GetTimestamp() < end)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (work == TurnWork.Counter)
                {
                    await client.CallAsync<CounterBenchGrain, long>(key, static g => g.Increment());
                }
                else
                {
                    await client.CallAsync<OutboxBenchGrain>(key, static g => g.Emit(1));
                }

                var finished = Stopwatch.GetTimestamp();
                latencies?.Add(finished - started);
                Interlocked.Increment(ref perSecond[Math.Min(perSecond.Length - 1, (finished - start) / Stopwatch.Frequency)]);
                turns++;
            }
            catch (Exception exception)
            {
                errors++;
                firstError ??= exception;
            }
        }

        return new CallerResult(turns, errors, latencies, firstError);
    }
}
