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
/// <param name="OverGoal">Reminders that fired a second or more after they were due.</param>
internal sealed record LagSet(string Name, int Count, string DueText, int Fired, Percentiles Lag, double MinLagMs, int OverGoal);

/// <summary>Range reads of one silo's reminder table close together in time: its reading of its share of the ring (at start, on a ring change, on a refresh).</summary>
internal sealed record ReadSweep(string Silo, DateTimeOffset From, DateTimeOffset Until, int Reads, long Rows)
{
    public double Milliseconds => (Until - From).TotalMilliseconds;
}

/// <summary>One round of measured reminders: set through grain turns, then due and fired.</summary>
/// <param name="PredictedSweep">When the round was placed around a refresh predicted for then; null for a round taken as it came.</param>
internal sealed record ReminderRound(
    string Name,
    DateTimeOffset From,
    DateTimeOffset Until,
    double RegisterSeconds,
    LagSet Spread,
    LagSet? Burst,
    CpuUse Cpu,
    DateTimeOffset? PredictedSweep,
    double GcPauseMs,
    int Gen2Collections)
{
    public int Fired => Spread.Fired + (Burst?.Fired ?? 0);

    public int Count => Spread.Count + (Burst?.Count ?? 0);
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
    IReadOnlyList<ReminderRound> Rounds,
    long Runs,
    long Unexpected,
    long RowsAtEnd,
    TimeSpan RefreshPeriod,
    TimeSpan LoadingWindow,
    IReadOnlyList<RangeRead> Reads,
    double PeakWorkingSetMb)
{
    public int Bulk => ThroughTurns + ThroughTable;

    public int FiredTotal => Rounds.Sum(r => r.Fired);

    public int MeasuredTotal => Rounds.Sum(r => r.Count);

    /// <summary>The goal's round: the first, taken as it came.</summary>
    public ReminderRound First => Rounds[0];

    /// <summary>
    /// The range reads grouped into sweeps per silo: a silo's reminder service reads its share of
    /// the ring in several sub-ranges at once, so its reads that start within a second of the sweep
    /// before them belong to it.
    /// </summary>
    public IReadOnlyList<ReadSweep> Sweeps => GroupSweeps(Reads);

    /// <summary>Sweeps that overlapped the time a round's reminders were being set, were due and fired.</summary>
    public IReadOnlyList<ReadSweep> SweepsDuring(ReminderRound round) =>
        Sweeps.Where(r => r.From < round.Until && r.Until > round.From).ToList();

    /// <summary>The sweep that read the most rows.</summary>
    public ReadSweep? LargestSweep => Sweeps.MaxBy(r => r.Rows);

    public static IReadOnlyList<ReadSweep> GroupSweeps(IEnumerable<RangeRead> reads)
    {
        var sweeps = new List<ReadSweep>();
        foreach (var silo in reads.GroupBy(r => r.Silo))
        {
            ReadSweep? current = null;
            foreach (var read in silo.OrderBy(r => r.StartedAt))
            {
                var end = read.StartedAt.AddMilliseconds(read.Milliseconds);
                if (current is not null && read.StartedAt <= current.Until.AddSeconds(1))
                {
                    current = current with { Until = end > current.Until ? end : current.Until, Reads = current.Reads + 1, Rows = current.Rows + read.Rows };
                }
                else
                {
                    if (current is not null)
                    {
                        sweeps.Add(current);
                    }

                    current = new ReadSweep(silo.Key, read.StartedAt, end, 1, read.Rows);
                }
            }

            if (current is not null)
            {
                sweeps.Add(current);
            }
        }

        return [.. sweeps.OrderBy(s => s.From)];
    }
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

            var lead = TimeSpan.FromSeconds(options.ReminderLeadSeconds);
            var window = TimeSpan.FromSeconds(options.ReminderSpreadSeconds);
            var measuredGrains = 0;

            // One round of measured reminders, counted from when it starts being set: the spread
            // set due evenly from lead to lead + window, the burst all due BurstGap after that. Each
            // on a grain of its own, set through a turn, as the product sets a deadline shortly
            // before it is due.
            async Task<ReminderRound> RoundAsync(string name, int spreadCount, int burstCount, DateTimeOffset? predicted)
            {
                var spreadSet = name + ": spread";
                var burstSet = name + ": burst";
                var measuredStart = DateTimeOffset.UtcNow;
                var burstDue = Whole(measuredStart + lead + window + BurstGap);
                var count = spreadCount + burstCount;
                var first = measuredGrains;
                measuredGrains += count;
                var due = new DateTimeOffset[count];
                for (var m = 0; m < count; m++)
                {
                    due[m] = m < spreadCount
                        ? Whole(measuredStart + lead + (spreadCount == 1 ? TimeSpan.Zero : window * m / (spreadCount - 1)))
                        : burstDue;
                    log.Expect(MeasuredKey(first + m), MeasuredName, due[m], m < spreadCount ? spreadSet : burstSet);
                }

                var measuredStarted = Stopwatch.GetTimestamp();
                await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (m, _) =>
                    await hosts[m % silos].Grains().GetGrain<IBenchReminderGrain>(MeasuredKey(first + m)).Set([new ReminderPlan(MeasuredName, due[m])]));
                var measuredSeconds = Stopwatch.GetElapsedTime(measuredStarted).TotalSeconds;
                if (DateTimeOffset.UtcNow > measuredStart + lead)
                {
                    Progress.Say($"{provider}: setting the measured reminders took {measuredSeconds:F1} s, longer than the lead of {lead.TotalSeconds:F0} s: the first were due before they were set");
                }

                var sample = Noise.Start();
                var gcPause = GC.GetTotalPauseDuration();
                var gen2 = GC.CollectionCount(2);
                var last = burstCount > 0 ? burstDue : measuredStart + lead + window;
                var deadline = last + TimeSpan.FromSeconds(options.ReminderDrainSeconds);
                var expected = log.Fired + count;
                while (log.Fired < expected && DateTimeOffset.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }

                var cpu = await Noise.StopAsync(sample);
                return new ReminderRound(
                    name,
                    measuredStart,
                    DateTimeOffset.UtcNow,
                    measuredSeconds,
                    Set(log, spreadSet, spreadCount, $"evenly from +{lead.TotalSeconds:0.#} s to +{(lead + window).TotalSeconds:0.#} s"),
                    burstCount > 0 ? Set(log, burstSet, burstCount, $"all at +{(burstDue - measuredStart).TotalSeconds:0.#} s") : null,
                    cpu,
                    predicted,
                    (GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds,
                    GC.CollectionCount(2) - gen2);
            }

            var rounds = new List<ReminderRound> { await RoundAsync("as it came", spread, burst, null) };
            Progress.Say($"{provider}: round 1: spread {rounds[0].Spread.Fired}/{rounds[0].Spread.Count}, p99 {rounds[0].Spread.Lag.P99:F0} ms");

            if (options.RefreshRound.Contains(provider))
            {
                // A second spread set placed so that a silo's next refresh of its reminder list (the
                // read of its whole share of the table every RefreshReminderListPeriod) falls a third
                // of the way into the window: the worst moment the defaults allow, measured on purpose.
                var period = reminderOptions.RefreshReminderListPeriod;
                var from = DateTimeOffset.UtcNow;
                var offset = lead + window / 3;
                var predicted = ReminderResult.GroupSweeps(tableLog.Reads)
                    .GroupBy(s => s.Silo)
                    .Select(g => g.Max(s => s.From) + period)
                    .Select(next =>
                    {
                        while (next - offset < from + TimeSpan.FromSeconds(2))
                        {
                            next += period;
                        }

                        return next;
                    })
                    .DefaultIfEmpty(from + offset)
                    .Min();
                var wait = predicted - offset - DateTimeOffset.UtcNow;
                Progress.Say($"{provider}: waiting {wait.TotalSeconds:F0} s to place a round around the next refresh of a silo's reminder list, predicted at {predicted:HH:mm:ss}");
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                rounds.Add(await RoundAsync("around a refresh", spread, 0, predicted));
                Progress.Say($"{provider}: round 2: spread {rounds[1].Spread.Fired}/{rounds[1].Spread.Count}, p99 {rounds[1].Spread.Lag.P99:F0} ms");
            }

            var peak = PeakWorkingSetMb();

            // Let the last firings store their turns and cancel their reminders (a firing's turn
            // unregisters its spent reminder after storing) before counting what is left.
            var rowsAtEnd = await database.CountAsync("select count(*) from orleans_reminders");
            for (var waited = 0; rowsAtEnd > far && waited < 30; waited++)
            {
                await Task.Delay(500);
                rowsAtEnd = await database.CountAsync("select count(*) from orleans_reminders");
            }

            return new ReminderResult(
                provider,
                silos,
                far + rounds.Sum(r => r.Count),
                turnReminders,
                grains,
                turnSeconds,
                tableReminders,
                tableSeconds,
                rows,
                registerSeconds,
                registerCpu,
                rounds,
                log.Runs,
                log.Unexpected,
                rowsAtEnd,
                reminderOptions.RefreshReminderListPeriod,
                reminderOptions.ReminderLoadingWindow,
                tableLog.Reads,
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
        return new LagSet(name, count, dueText, lags.Length, Percentiles.FromMilliseconds((double[])lags.Clone()), lags.Length == 0 ? double.NaN : lags.Min(), lags.Count(l => l >= 1000));
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static string FarKey(int grain) => $"f{grain:D6}";

    private static string MeasuredKey(int grain) => $"m{grain:D5}";
}
