using System.Diagnostics;
using HotlineGrains.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Bench;

internal sealed record ReminderResult(
    string Provider,
    int Registered,
    int Grains,
    long RowsAfterRegistering,
    double RegisterSeconds,
    double MeasuredRegisterSeconds,
    int Measured,
    int Fired,
    long Runs,
    long Unexpected,
    Percentiles Lag,
    double MinLagMs,
    long RowsAtEnd,
    double LeadSeconds,
    double SpreadSeconds)
{
    public double RegisterPerSecond => Registered / RegisterSeconds;
}

/// <summary>
/// Reminder firing lag under a large reminder table. All reminders are set through grain turns
/// (many concurrent turns, several reminders each); most are due a day or two away, a measured set
/// is due over a window starting a few seconds after it is set. The reminder loop runs with its
/// default options; for each measured reminder, lag = when the grain's ReceiveReminder first ran −
/// when it was due, both on the wall clock.
/// </summary>
internal static class ReminderBenchmark
{
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
            var measured = options.MeasuredReminders;

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

            // The measured set: due from lead to lead + spread after this moment, evenly spaced.
            var measuredStart = DateTimeOffset.UtcNow;
            var lead = TimeSpan.FromSeconds(options.ReminderLeadSeconds);
            var spread = TimeSpan.FromSeconds(options.ReminderSpreadSeconds);
            var due = new DateTimeOffset[measured];
            for (var m = 0; m < measured; m++)
            {
                due[m] = measuredStart + lead + (measured == 1 ? TimeSpan.Zero : spread * m / (measured - 1));
                log.Expect(Key(m), "r0", due[m]);
            }

            var measuredStarted = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, measured), parallel, async (m, token) =>
                await grains.CallAsync<ReminderBenchGrain>(Key(m), r => r.SetMany([("r0", due[m])]), token));
            var measuredSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
            var registerSeconds = farSeconds + measuredSeconds;
            var rows = await database.CountAsync("select count(*) from reminders");

            var deadline = measuredStart + lead + spread + TimeSpan.FromSeconds(options.ReminderDrainSeconds);
            while (log.Fired < measured && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            // Let the last firings commit before counting what is left.
            await Task.Delay(1000);
            var rowsAtEnd = await database.CountAsync("select count(*) from reminders");
            var lags = log.LagsMilliseconds();
            return new ReminderResult(
                provider,
                total,
                grainCount,
                rows,
                registerSeconds,
                measuredSeconds,
                measured,
                log.Fired,
                log.Runs,
                log.Unexpected,
                Percentiles.FromMilliseconds(lags),
                lags.Length == 0 ? double.NaN : lags.Min(),
                rowsAtEnd,
                options.ReminderLeadSeconds,
                options.ReminderSpreadSeconds);
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
    }

    private static string Key(int grain) => $"g{grain:D6}";
}
