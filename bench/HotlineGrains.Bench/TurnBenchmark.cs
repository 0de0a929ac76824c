using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace HotlineGrains.Bench;

internal enum TurnScenario
{
    /// <summary>Every caller on a grain of its own.</summary>
    Distinct,

    /// <summary>All callers on one grain, one silo.</summary>
    OneGrain,

    /// <summary>All callers on one grain, half of them on each of two silos of one cluster (in this process).</summary>
    OneGrainTwoSilos,
}

/// <summary>What one call does.</summary>
internal enum TurnWork
{
    /// <summary>Increments a counter: one state write.</summary>
    Counter,

    /// <summary>Increments a counter, raises an event and writes a read-model row: one write carrying all three.</summary>
    Effects,

    /// <summary>A turn that changes nothing, so nothing is written: Orleans' call and the turn's machinery.</summary>
    Unchanged,

    /// <summary>A query (<c>[AlwaysInterleave]</c>): Orleans' call alone.</summary>
    Query,
}

internal sealed record TurnResult(
    string Provider,
    TurnScenario Scenario,
    TurnWork Work,
    bool Relay,
    int Callers,
    long Turns,
    long Errors,
    double Seconds,
    Percentiles Latency,
    double RunsPerTurn,
    bool Consistent,
    long Stored,
    string? FirstError,
    long[] PerSecond,
    CpuUse Cpu,
    long OutboxRows,
    long ReadModelRows,
    string? Variant = null)
{
    /// <summary>The slowest and fastest whole second of the measured window, in turns.</summary>
    public (long Min, long Max) SecondRange => PerSecond.Length == 0 ? (0, 0) : (PerSecond.Min(), PerSecond.Max());

    public double TurnsPerSecond => Turns / Seconds;

    public int Silos => Scenario == TurnScenario.OneGrainTwoSilos ? 2 : 1;

    public string ScenarioText => Scenario switch
    {
        TurnScenario.Distinct => "own grain each",
        TurnScenario.OneGrain => "ONE grain",
        _ => "ONE grain, 2 silos",
    };

    public string WorkText => Work switch
    {
        TurnWork.Counter => "counter",
        TurnWork.Effects => "counter + event + read-model row",
        TurnWork.Unchanged => "turn that changes nothing (no write)",
        _ => "query (no turn, no write)",
    };
}

/// <summary>
/// Grain-call throughput and latency: callers loop on a grain call for a fixed time; a counter turn
/// is one write through the "hotline" storage provider. Afterwards the counters are read back and
/// must add up to the calls that reported success (no lost update, no phantom turn).
/// </summary>
internal static class TurnBenchmark
{
    public static async Task<TurnResult> RunAsync(
        BenchOptions options,
        string provider,
        TurnScenario scenario,
        int callers,
        TurnWork work = TurnWork.Counter,
        bool relay = false,
        string? connectionOptions = null,
        double? seconds = null)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider, options.PostgresAdmin);
        var silos = scenario == TurnScenario.OneGrainTwoSilos ? 2 : 1;
        var hosts = new List<IHost>();
        try
        {
            var settings = BenchSilo.Settings(database, relay);
            if (connectionOptions is not null)
            {
                settings["Storage:ConnectionString"] += ";" + connectionOptions;
            }

            for (var n = 0; n < silos; n++)
            {
                hosts.Add(await BenchSilo.StartAsync(settings, $"silo-{n + 1}"));
            }

            var plan = Enumerable.Range(0, callers)
                .Select(i => (Grains: hosts[i % silos].Grains(), Key: scenario == TurnScenario.Distinct ? $"k{i:D3}" : "hot"))
                .ToArray();

            // Activate the grains (and the silos' connections) before anything is timed.
            foreach (var key in plan.Select(p => p.Key).Distinct())
            {
                await hosts[0].Grains().GetGrain<IBenchCounterGrain>(key).Get();
            }

            var warm = options.WarmupSeconds > 0
                ? await LoadAsync(plan, work, TimeSpan.FromSeconds(options.WarmupSeconds), record: false)
                : LoadResult.None;
            var runsBefore = hosts.Sum(h => h.Services.GetRequiredService<TurnCounter>().Runs);
            var sample = Noise.Start();
            var measured = await LoadAsync(plan, work, TimeSpan.FromSeconds(seconds ?? options.Seconds), record: true);
            var cpu = await Noise.StopAsync(sample);
            var runsAfter = hosts.Sum(h => h.Services.GetRequiredService<TurnCounter>().Runs);

            long stored = 0;
            foreach (var key in plan.Select(p => p.Key).Distinct())
            {
                stored += await hosts[0].Grains().GetGrain<IBenchCounterGrain>(key).Get();
            }

            var writes = work is TurnWork.Counter or TurnWork.Effects;
            var expected = writes ? warm.Turns + measured.Turns : 0;
            var outbox = work == TurnWork.Effects ? await database.CountAsync("select count(*) from outbox") : 0;
            var rows = work == TurnWork.Effects ? await database.CountAsync($"select count(*) from read_models where model = '{BenchCounterGrain.ReadModel}'") : 0;
            return new TurnResult(
                provider,
                scenario,
                work,
                relay,
                callers,
                measured.Turns,
                measured.Errors,
                measured.Seconds,
                Percentiles.FromTicks(measured.Latencies),
                work == TurnWork.Query || measured.Turns == 0 ? double.NaN : (double)(runsAfter - runsBefore) / measured.Turns,
                stored == expected,
                stored,
                Describe(measured.FirstError ?? warm.FirstError),
                measured.PerSecond,
                cpu,
                outbox,
                rows,
                connectionOptions);
        }
        finally
        {
            await BenchSilo.StopAllAsync(hosts);
        }
    }

    internal static string? Describe(Exception? error) =>
        error is null ? null : $"{error.GetType().Name}: {error.Message}";

    private sealed record LoadResult(long Turns, long Errors, double Seconds, long[] Latencies, Exception? FirstError, long[] PerSecond)
    {
        public static readonly LoadResult None = new(0, 0, 0, [], null, []);
    }

    private sealed record CallerResult(long Turns, long Errors, List<long>? Latencies, Exception? FirstError);

    private static async Task<LoadResult> LoadAsync((IGrainFactory Grains, string Key)[] plan, TurnWork work, TimeSpan duration, bool record)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perSecond = new long[(int)Math.Ceiling(duration.TotalSeconds) + 2];
        var callers = plan.Select(p => Task.Run(() => CallerAsync(p.Grains.GetGrain<IBenchCounterGrain>(p.Key), work, start, end, perSecond, record))).ToArray();
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

    private static async Task<CallerResult> CallerAsync(IBenchCounterGrain grain, TurnWork work, long start, long end, long[] perSecond, bool record)
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
                await (work switch
                {
                    TurnWork.Counter => grain.Increment(),
                    TurnWork.Effects => grain.IncrementWithEffects(),
                    TurnWork.Unchanged => grain.Touch(),
                    _ => grain.Get(),
                });
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
