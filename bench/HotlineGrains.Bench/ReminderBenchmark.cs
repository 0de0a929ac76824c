using System.Diagnostics;
using HotlineGrains.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Bench;

/// <summary>Lag of one measured set of reminders.</summary>
internal sealed record LagSet(string Name, int Count, string DueText, int Fired, Percentiles Lag, double MinLagMs);

internal sealed record ReminderResult(
    string Provider,
    int Registered,
    int Grains,
    long RowsAfterRegistering,
    double RegisterSeconds,
    double MeasuredRegisterSeconds,
    LagSet Spread,
    LagSet? Burst,
    long Runs,
    long Unexpected,
    long RowsAtEnd,
    CpuUse Cpu)
{
    public double RegisterPerSecond => Registered / RegisterSeconds;

    public int FiredTotal => Spread.Fired + (Burst?.Fired ?? 0);
}

/// <summary>
/// Reminder firing lag under a large reminder table. All reminders are set through grain turns
/// (many concurrent turns, several reminders each); most are due a day or two away. Two measured
/// sets are then set: one due evenly over a window starting a few seconds later (the goal's case),
/// and a burst due all at the same moment after it (how fast a backlog is worked off). The reminder
/// loop runs with its default options; for each measured reminder, lag = when the grain's
/// ReceiveReminder first ran − when it was due, both on the wall clock.
/// </summary>
internal static class ReminderBenchmark
{
    private const string SpreadSet = "spread";
    private const string BurstSet = "burst";
    private static readonly TimeSpan BurstGap = TimeSpan.FromSeconds(3);

    public static async Task<ReminderResult> RunAsync(BenchOptions options, string provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider, options.PostgresAdmin);
        var settings = BenchSilo.Settings(database, reminders: true);
        var host = await BenchSilo.StartAsync(settings);
        try
        {
            var grains = host.Grains();
            var log = host.Services.GetRequiredService<FiringLog>();
            var total = options.Reminders;
            var perGrain = options.RemindersPerGrain;
            var grainCount = (total + perGrain - 1) / perGrain;
            var spread = options.MeasuredReminders;
            var burst = Math.Min(options.BurstReminders, grainCount - spread);
            var measured = spread + burst;

            // Reminder i belongs to grain i / perGrain under the name r{i % perGrain}; the measured
            // ones are r0 of the first `measured` grains, everything else is due far away.
            var random = new Random(20_240_601);
            var now = DateTimeOffset.UtcNow;
            var far = new List<(string Name, DateTimeOffset DueAt)>[grainCount];
            for (var i = 0; i < total; i++)
            {
                var grain = i / perGrain;
                var slot = i % perGrain;
                if (slot == 0 && grain < measured)
                {
                    continue;
                }

                (far[grain] ??= []).Add(($"r{slot}", now + TimeSpan.FromHours(24) + TimeSpan.FromSeconds(random.NextDouble() * 86_400)));
            }

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.RegisterParallelism };
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, grainCount).Where(g => far[g] is not null), parallel, async (g, token) =>
                await grains.CallAsync<ReminderBenchGrain>(Key(g), r => r.SetMany(far[g]), token));
            var farSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            // The measured sets, counted from this moment: the spread set due evenly from lead to
            // lead + spread, the burst all due BurstGap after that. Whole milliseconds, as SQLite stores them.
            var measuredStart = DateTimeOffset.UtcNow;
            var lead = TimeSpan.FromSeconds(options.ReminderLeadSeconds);
            var window = TimeSpan.FromSeconds(options.ReminderSpreadSeconds);
            var burstDue = Whole(measuredStart + lead + window + BurstGap);
            var due = new DateTimeOffset[measured];
            for (var m = 0; m < measured; m++)
            {
                due[m] = m < spread
                    ? Whole(measuredStart + lead + (spread == 1 ? TimeSpan.Zero : window * m / (spread - 1)))
                    : burstDue;
                log.Expect(Key(m), "r0", due[m], m < spread ? SpreadSet : BurstSet);
            }

            var measuredStarted = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, measured), parallel, async (m, token) =>
                await grains.CallAsync<ReminderBenchGrain>(Key(m), r => r.SetMany([("r0", due[m])]), token));
            var measuredSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
            var registerSeconds = farSeconds + measuredSeconds;
            var rows = await database.CountAsync("select count(*) from reminders");

            var sample = Noise.Start();
            var last = burst > 0 ? burstDue : measuredStart + lead + window;
            var deadline = last + TimeSpan.FromSeconds(options.ReminderDrainSeconds);
            while (log.Fired < measured && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var cpu = await Noise.StopAsync(sample);

            // Let the last firings commit before counting what is left.
            await Task.Delay(1000);
            var rowsAtEnd = await database.CountAsync("select count(*) from reminders");
            return new ReminderResult(
                provider,
                total,
                grainCount,
                rows,
                registerSeconds,
                measuredSeconds,
                Set(log, SpreadSet, spread, $"evenly from +{options.ReminderLeadSeconds:0.#} s to +{options.ReminderLeadSeconds + options.ReminderSpreadSeconds:0.#} s"),
                burst > 0 ? Set(log, BurstSet, burst, $"all at +{(burstDue - measuredStart).TotalSeconds:0.#} s") : null,
                log.Runs,
                log.Unexpected,
                rowsAtEnd,
                cpu);
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
    }

    private static LagSet Set(FiringLog log, string name, int count, string dueText)
    {
        var lags = log.LagsMilliseconds(name);
        return new LagSet(name, count, dueText, lags.Length, Percentiles.FromMilliseconds((double[])lags.Clone()), lags.Length == 0 ? double.NaN : lags.Min());
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static string Key(int grain) => $"g{grain:D6}";
}
