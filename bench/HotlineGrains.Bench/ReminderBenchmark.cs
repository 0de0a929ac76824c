using System.Diagnostics;
using HotlineGrains.Grains.Turns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace HotlineGrains.Bench;

/// <summary>Lag of one measured set of reminders.</summary>
internal sealed record LagSet(string Name, int Count, string DueText, int Fired, Percentiles Lag, double MinLagMs);

/// <summary>Range reads of the reminder table close together in time: one silo's (or both silos') reading of their share of the ring.</summary>
internal sealed record ReadSweep(DateTimeOffset From, DateTimeOffset Until, int Reads, long Rows)
{
    public double Milliseconds => (Until - From).TotalMilliseconds;
}

internal sealed record ReminderResult(
    string Provider,
    int Silos,
    int Registered,
    int ThroughTurns,
    int TurnCalls,
    double TurnSeconds,
    int ThroughTable,
    double TableSeconds,
    long RowsAfterRegistering,
    double RegisterSeconds,
    CpuUse RegisterCpu,
    double MeasuredRegisterSeconds,
    LagSet Spread,
    LagSet? Burst,
    long Runs,
    long Unexpected,
    long RowsAtEnd,
    CpuUse Cpu,
    TimeSpan RefreshPeriod,
    TimeSpan LoadingWindow,
    IReadOnlyList<RangeRead> Reads,
    DateTimeOffset MeasuredFrom,
    DateTimeOffset MeasuredUntil,
    double PeakWorkingSetMb)
{
    public int Bulk => ThroughTurns + ThroughTable;

    public int FiredTotal => Spread.Fired + (Burst?.Fired ?? 0);

    /// <summary>
    /// The range reads grouped into sweeps: a silo's reminder service reads its share of the ring
    /// in several sub-ranges at once (at start, on a ring change, on each refresh), so reads that
    /// start within a second of the sweep before them belong to it.
    /// </summary>
    public IReadOnlyList<ReadSweep> Sweeps
    {
        get
        {
            var sweeps = new List<ReadSweep>();
            foreach (var read in Reads.OrderBy(r => r.StartedAt))
            {
                var end = read.StartedAt.AddMilliseconds(read.Milliseconds);
                if (sweeps.Count > 0 && read.StartedAt <= sweeps[^1].Until.AddSeconds(1))
                {
                    var last = sweeps[^1];
                    sweeps[^1] = last with { Until = end > last.Until ? end : last.Until, Reads = last.Reads + 1, Rows = last.Rows + read.Rows };
                }
                else
                {
                    sweeps.Add(new ReadSweep(read.StartedAt, end, 1, read.Rows));
                }
            }

            return sweeps;
        }
    }

    /// <summary>Sweeps that overlapped the time the measured reminders were being set, were due and fired.</summary>
    public IReadOnlyList<ReadSweep> SweepsDuringMeasurement =>
        Sweeps.Where(r => r.From < MeasuredUntil && r.Until > MeasuredFrom).ToList();

    /// <summary>The sweep that read the most rows.</summary>
    public ReadSweep? LargestSweep => Sweeps.MaxBy(r => r.Rows);
}

/// <summary>
/// Reminder firing lag under a large reminder table. First the bulk: reminders due a day or two
/// away (through grain turns, or straight into the table). Then the measured ones, each set through
/// a grain turn on a grain of its own shortly before it is due, as the product sets an SLA deadline
/// or a callback: the spread set due evenly over a window starting a few seconds later (the goal's
/// case), and a burst due all at one moment after it (how fast a backlog goes). Orleans' reminder
/// options stay at their defaults unless given; lag = when the grain's code first ran − when the
/// reminder was due, both on the wall clock.
/// </summary>
internal static class ReminderBenchmark
{
    private const string SpreadSet = "spread";
    private const string BurstSet = "burst";
    private const string MeasuredName = "due";
    private static readonly TimeSpan BurstGap = TimeSpan.FromSeconds(3);

    /// <param name="throughTurns">How many of the bulk to register through grain turns; the rest go straight into the table through IReminderTable.</param>
    public static async Task<ReminderResult> RunAsync(BenchOptions options, string provider, int total, int silos, int throughTurns)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider, options.PostgresAdmin);
        var log = new FiringLog();
        var tableLog = new ReminderTableLog();
        var settings = BenchSilo.Settings(database);
        var hosts = new List<IHost>();
        try
        {
            for (var n = 0; n < silos; n++)
            {
                hosts.Add(await BenchSilo.StartAsync(settings, $"silo-{n + 1}", services =>
                {
                    ObservedReminderTable.Decorate(services);
                    if (options.ReminderRefreshSeconds is { } refresh)
                    {
                        services.Configure<ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(refresh));
                    }
                }, log, tableLog));
            }

            await WaitForClusterAsync(hosts);
            var reminderOptions = hosts[0].Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
            var retryPeriod = hosts[0].Services.GetRequiredService<IOptions<TurnOptions>>().Value.ReminderRetryPeriod;

            var spread = options.MeasuredReminders;
            var burst = options.BurstReminders;
            var far = Math.Max(0, total - spread - burst);
            var perGrain = options.RemindersPerGrain;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.RegisterParallelism };
            var random = new Random(20_240_601);
            var now = DateTimeOffset.UtcNow;
            DateTimeOffset FarDue() => Whole(now + TimeSpan.FromHours(24) + TimeSpan.FromSeconds(random.NextDouble() * 86_400));

            var registerSample = Noise.Start();
            var started = Stopwatch.GetTimestamp();
            var done = 0L;
            var step = Math.Max(1, far / 10);
            void Count(int reminders)
            {
                var before = Interlocked.Add(ref done, reminders) - reminders;
                if ((before + reminders) / step > before / step)
                {
                    Progress.Say($"{provider}: {before + reminders:N0} of {far:N0} far reminders registered ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)");
                }
            }

            // Through grain turns, as the product's grains set them: reminder k of grain g is "r{k}".
            var turnReminders = Math.Min(far, throughTurns);
            var grains = (turnReminders + perGrain - 1) / perGrain;
            var plans = new ReminderPlan[grains][];
            for (var g = 0; g < grains; g++)
            {
                var count = Math.Min(perGrain, turnReminders - g * perGrain);
                plans[g] = Enumerable.Range(0, count).Select(r => new ReminderPlan($"r{r}", FarDue())).ToArray();
            }

            await Parallel.ForEachAsync(Enumerable.Range(0, grains), parallel, async (g, _) =>
            {
                await hosts[g % silos].Grains().GetGrain<IBenchReminderGrain>(FarKey(g)).Set(plans[g]);
                Count(plans[g].Length);
            });
            var turnSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (turnReminders > 0)
            {
                Progress.Say($"{provider}: {turnReminders:N0} far reminders registered through {grains:N0} grain turns in {turnSeconds:F1} s");
            }

            // The rest straight into the table, on grains after those, through the IReminderTable Orleans' reminder service uses.
            var tableReminders = far - turnReminders;
            var table = hosts[0].Services.GetRequiredService<IReminderTable>();
            var entries = new ReminderEntry[tableReminders];
            for (var i = 0; i < tableReminders; i++)
            {
                entries[i] = new ReminderEntry
                {
                    GrainId = GrainId.Create(BenchReminderGrain.GrainType, FarKey(grains + i / perGrain)),
                    ReminderName = $"r{i % perGrain}",
                    StartAt = FarDue().UtcDateTime,
                    Period = retryPeriod,
                };
            }

            var tableStarted = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, tableReminders), parallel, async (i, _) =>
            {
                if (await table.UpsertRow(entries[i]) is null)
                {
                    throw new InvalidOperationException($"UpsertRow refused {entries[i]}");
                }

                Count(1);
            });
            var tableSeconds = Stopwatch.GetElapsedTime(tableStarted).TotalSeconds;

            var registerSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var registerCpu = await Noise.StopAsync(registerSample);
            var rows = await database.CountAsync("select count(*) from orleans_reminders");
            Progress.Say($"{provider}: {far:N0} far reminders registered in {registerSeconds:F1} s ({turnReminders:N0} through turns in {turnSeconds:F1} s, {tableReminders:N0} through IReminderTable in {tableSeconds:F1} s); {rows:N0} rows in the table");

            // The measured sets, counted from this moment: the spread set due evenly from lead to
            // lead + spread, the burst all due BurstGap after that. Each on a grain of its own, set
            // through a turn, as the product sets a deadline shortly before it is due.
            var measuredStart = DateTimeOffset.UtcNow;
            var lead = TimeSpan.FromSeconds(options.ReminderLeadSeconds);
            var window = TimeSpan.FromSeconds(options.ReminderSpreadSeconds);
            var burstDue = Whole(measuredStart + lead + window + BurstGap);
            var measured = spread + burst;
            var due = new DateTimeOffset[measured];
            for (var m = 0; m < measured; m++)
            {
                due[m] = m < spread
                    ? Whole(measuredStart + lead + (spread == 1 ? TimeSpan.Zero : window * m / (spread - 1)))
                    : burstDue;
                log.Expect(MeasuredKey(m), MeasuredName, due[m], m < spread ? SpreadSet : BurstSet);
            }

            var measuredStarted = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, measured), parallel, async (m, _) =>
                await hosts[m % silos].Grains().GetGrain<IBenchReminderGrain>(MeasuredKey(m)).Set([new ReminderPlan(MeasuredName, due[m])]));
            var measuredSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
            if (DateTimeOffset.UtcNow > measuredStart + lead)
            {
                Progress.Say($"{provider}: setting the measured reminders took {measuredSeconds:F1} s, longer than the lead of {lead.TotalSeconds:F0} s: the first were due before they were set");
            }

            var sample = Noise.Start();
            var last = burst > 0 ? burstDue : measuredStart + lead + window;
            var deadline = last + TimeSpan.FromSeconds(options.ReminderDrainSeconds);
            while (log.Fired < measured && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var cpu = await Noise.StopAsync(sample);
            var measuredUntil = DateTimeOffset.UtcNow;
            var peak = PeakWorkingSetMb();

            // Let the last firings store their turns (and cancel their reminders) before counting what is left.
            await Task.Delay(2000);
            var rowsAtEnd = await database.CountAsync("select count(*) from orleans_reminders");
            return new ReminderResult(
                provider,
                silos,
                far + measured,
                turnReminders,
                grains,
                turnSeconds,
                tableReminders,
                tableSeconds,
                rows,
                registerSeconds,
                registerCpu,
                measuredSeconds,
                Set(log, SpreadSet, spread, $"evenly from +{options.ReminderLeadSeconds:0.#} s to +{options.ReminderLeadSeconds + options.ReminderSpreadSeconds:0.#} s"),
                burst > 0 ? Set(log, BurstSet, burst, $"all at +{(burstDue - measuredStart).TotalSeconds:0.#} s") : null,
                log.Runs,
                log.Unexpected,
                rowsAtEnd,
                cpu,
                reminderOptions.RefreshReminderListPeriod,
                reminderOptions.ReminderLoadingWindow,
                tableLog.Reads,
                measuredStart,
                measuredUntil,
                peak);
        }
        finally
        {
            await BenchSilo.StopAllAsync(hosts);
        }
    }

    /// <summary>Waits until every silo is active in the cluster, then a little longer, so the ring (and each silo's share of the reminders) has settled.</summary>
    private static async Task WaitForClusterAsync(IReadOnlyList<IHost> hosts)
    {
        if (hosts.Count < 2)
        {
            return;
        }

        var management = hosts[0].Grains().GetGrain<IManagementGrain>(0);
        var watch = Stopwatch.StartNew();
        while ((await management.GetHosts(onlyActive: true)).Count < hosts.Count)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The {hosts.Count} silos did not all become active within a minute.");
            }

            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
    }

    private static double PeakWorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    private static LagSet Set(FiringLog log, string name, int count, string dueText)
    {
        var lags = log.LagsMilliseconds(name);
        return new LagSet(name, count, dueText, lags.Length, Percentiles.FromMilliseconds((double[])lags.Clone()), lags.Length == 0 ? double.NaN : lags.Min());
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static string FarKey(int grain) => $"f{grain:D6}";

    private static string MeasuredKey(int grain) => $"m{grain:D5}";
}
