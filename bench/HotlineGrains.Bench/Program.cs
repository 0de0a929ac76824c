using System.Diagnostics;
using HotlineGrains.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (options.UsesPostgres && options.PostgresAdmin is null)
{
    Console.Error.WriteLine(
        $"{BenchOptions.PostgresVariable} is not set. Start the servers with scripts/services.sh start and " +
        "eval \"$(scripts/services.sh env)\", pass --postgres, or leave PostgreSQL out (--providers Sqlite --reminder-providers Sqlite --skip pgbench).");
    return 2;
}

#if DEBUG
Progress.Say("WARNING: this is a Debug build; measure with -c Release.");
#endif

Noise.Monitor = new CpuMonitor(options.PostgresAdmin);
Noise.Limit = options.NoiseLimit;
Noise.Retries = options.Retries;
Noise.QuietWait = TimeSpan.FromSeconds(options.QuietWaitSeconds);

var clock = Stopwatch.StartNew();
var startedAt = DateTimeOffset.Now;
var results = new Results();
PgBench? pgbench = null;
try
{
    // The silos run in this process, so the first cells would pay for .NET's tiered compilation of
    // Orleans, the turn and the providers: an unmeasured pass on each provider compiles them first.
    if (options.JitWarmupSeconds > 0 && options.Parts.Overlaps(["turns", "raw", "effects", "breakdown"]))
    {
        foreach (var provider in options.UsesPostgres ? ["Sqlite", "Postgres"] : new[] { "Sqlite" })
        {
            try
            {
                var warm = await TurnBenchmark.RunAsync(options, provider, TurnScenario.Distinct, 16, TurnWork.Effects, seconds: options.JitWarmupSeconds);
                Progress.Say($"{provider}: warm-up pass (not measured), {warm.TurnsPerSecond:F0} turns/s");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Progress.Say($"{provider}: warm-up pass failed: {exception.Message}");
            }
        }
    }

    if (options.Parts.Contains("turns") && options.Providers.Contains("Sqlite"))
    {
        foreach (var callers in options.Callers)
        {
            await Progress.TurnsAsync(results, options, "Sqlite", TurnScenario.Distinct, callers);
        }

        if (options.ContendedCallers > 0)
        {
            await Progress.TurnsAsync(results, options, "Sqlite", TurnScenario.OneGrain, options.ContendedCallers);
        }
    }

    var postgresTurns = options.Parts.Contains("turns") && options.Providers.Contains("Postgres");
    if (options.Parts.Contains("pgbench"))
    {
        try
        {
            Progress.Say($"pgbench -i -s {options.PgbenchScale} on a throw-away database");
            pgbench = await PgBench.CreateAsync(options);
            results.PgbenchInitCommand = pgbench.InitCommand;
            results.PgbenchInitSeconds = pgbench.InitSeconds;
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or Npgsql.NpgsqlException)
        {
            results.Failures.Add("pgbench: " + exception.Message);
            Progress.Say("pgbench failed: " + exception.Message);
        }
    }

    // PostgreSQL: pgbench, the write function alone and the grain cells at each client count side by side, so they see the same server state.
    foreach (var callers in options.Callers)
    {
        if (pgbench is not null)
        {
            try
            {
                var measured = await Noise.MeasureAsync(
                    () => pgbench.MeasureAsync(callers, options.Seconds, options.WarmupSeconds), p => p.Cpu, $"pgbench -c {callers}");
                results.Pgbench.Add(measured);
                Progress.Say($"pgbench -N -c {callers}: {measured.Tps:F0} tps, latency avg {measured.LatencyAverageMs:F2} ms, " +
                    $"CPU cores self/pg/other {measured.Cpu.Self:F2}/{measured.Cpu.Postgres:F2}/{measured.Cpu.Other:F2}");
            }
            catch (InvalidOperationException exception)
            {
                results.Failures.Add($"pgbench -c {callers}: {exception.Message}");
                Progress.Say("pgbench failed: " + exception.Message);
            }
        }

        if (options.Parts.Contains("raw"))
        {
            try
            {
                var raw = await Noise.MeasureAsync(() => RawBaseline.RunAsync(options, callers), r => r.Cpu, $"raw write function {callers}");
                results.Raw.Add(raw);
                Progress.Say($"write function through Npgsql, {callers} clients: {raw.PerSecond:F0} writes/s, p50 {raw.Latency.P50:F2} ms, p99 {raw.Latency.P99:F2} ms, " +
                    $"CPU cores self/pg/other {raw.Cpu.Self:F2}/{raw.Cpu.Postgres:F2}/{raw.Cpu.Other:F2}");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                results.Failures.Add($"raw write function {callers}: {exception.GetType().Name}: {exception.Message}");
                Progress.Say($"raw write function {callers} failed: {exception}");
            }
        }

        if (postgresTurns)
        {
            await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, callers);
        }

        if (options.Parts.Contains("effects"))
        {
            await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, callers, TurnWork.Effects, relay: false);
            await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, callers, TurnWork.Effects, relay: true);
        }
    }

    if (postgresTurns && options.ContendedCallers > 0)
    {
        await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.OneGrain, options.ContendedCallers);
        await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.OneGrainTwoSilos, options.ContendedCallers);
    }

    if (options.Parts.Contains("breakdown"))
    {
        await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, options.GoalCallers, TurnWork.Query);
        await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, options.GoalCallers, TurnWork.Unchanged);

        try
        {
            var provider = await Noise.MeasureAsync(() => Breakdown.ProviderAsync(options, options.GoalCallers), r => r.Cpu, "the storage provider alone");
            results.Raw.Add(provider);
            Progress.Say($"the storage provider alone, {options.GoalCallers} callers: {provider.PerSecond:F0} writes/s, p50 {provider.Latency.P50:F2} ms, p99 {provider.Latency.P99:F2} ms, " +
                $"CPU cores self/pg/other {provider.Cpu.Self:F2}/{provider.Cpu.Postgres:F2}/{provider.Cpu.Other:F2}");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"the storage provider alone: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"the storage provider alone failed: {exception}");
        }

        // Npgsql resets a pooled connection (DISCARD ALL) before its next use; Orleans' ADO.NET
        // provider opens and closes one per write. The same cells without that reset:
        await Progress.TurnsAsync(results, options, "Postgres", TurnScenario.Distinct, options.GoalCallers, connectionOptions: BenchOptions.NoResetOnClose);
        try
        {
            var raw = await Noise.MeasureAsync(() => RawBaseline.RunAsync(options, options.GoalCallers, BenchOptions.NoResetOnClose), r => r.Cpu, "raw write function, no reset");
            results.Raw.Add(raw);
            Progress.Say($"write function through Npgsql, {options.GoalCallers} clients, {BenchOptions.NoResetOnClose}: {raw.PerSecond:F0} writes/s, p50 {raw.Latency.P50:F2} ms, p99 {raw.Latency.P99:F2} ms, " +
                $"CPU cores self/pg/other {raw.Cpu.Self:F2}/{raw.Cpu.Postgres:F2}/{raw.Cpu.Other:F2}");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"raw write function, {BenchOptions.NoResetOnClose}: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"raw write function, {BenchOptions.NoResetOnClose} failed: {exception}");
        }

        try
        {
            results.Statements = await Breakdown.CountStatementsAsync(options, 16, Math.Min(5, options.Seconds));
            Progress.Say($"statements: {results.Statements.Turns} turns, {results.Statements.CommandsPerTurn:F2} Npgsql commands and {results.Statements.TransactionsPerTurn:F2} server transactions a turn; " +
                string.Join("; ", results.Statements.Commands.Select(c => $"{c.Value}× {c.Key}")));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"statements per turn: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"statements per turn failed: {exception}");
        }

        results.Json = Breakdown.MeasureJson();
        Progress.Say($"JSON of a counter turn: {results.Json.TurnMicroseconds:F2} µs ({results.Json.ProviderMicroseconds:F2} µs of it the provider's record, {results.Json.PayloadBytes} bytes)");
    }

    if (options.Parts.Contains("reminders"))
    {
        foreach (var provider in options.ReminderProviders)
        {
            var (total, silos, turns) = provider == "Postgres"
                ? (options.Reminders, options.ReminderSilos, options.ReminderTurns)
                : (options.SqliteReminders, 1, int.MaxValue);
            Progress.Say($"{provider}: {total:N0} reminders over {silos} silo(s), {Math.Min(turns, total):N0} of them through grain turns, {options.MeasuredReminders:N0} + {options.BurstReminders:N0} measured");
            try
            {
                var reminders = await ReminderBenchmark.RunAsync(options, provider, total, silos, turns);
                results.Reminders.Add(reminders);
                Progress.Say($"{provider}: registered in {reminders.RegisterSeconds:F1} s; " + string.Join("; ", reminders.Rounds.SelectMany(r => new[] { r.Spread, r.Burst }).OfType<LagSet>().Select(s =>
                    $"{s.Name} fired {s.Fired}/{s.Count}, lag p50 {s.Lag.P50:F0} ms, p99 {s.Lag.P99:F0} ms, max {s.Lag.Max:F0} ms")) +
                    $"; range reads {reminders.Reads.Count} in {reminders.Sweeps.Count} sweeps");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                results.Failures.Add($"reminders on {provider}: {exception.GetType().Name}: {exception.Message}");
                Progress.Say($"reminders on {provider} failed: {exception}");
            }
        }
    }

    if (options.Parts.Contains("outbox"))
    {
        foreach (var provider in options.Providers)
        {
            Progress.Say($"{provider}: outbox relay of {options.OutboxEvents:N0} events");
            try
            {
                var outbox = await OutboxBenchmark.RunAsync(options, provider);
                results.Outbox.Add(outbox);
                Progress.Say($"{provider}: relayed {outbox.Received}/{outbox.Events} in {outbox.DrainSeconds:F1} s ({outbox.EventsPerSecond:F0} events/s)");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                results.Failures.Add($"outbox on {provider}: {exception.GetType().Name}: {exception.Message}");
                Progress.Say($"outbox on {provider} failed: {exception}");
            }
        }
    }

    if (options.Parts.Contains("startup"))
    {
        for (var run = 1; run <= options.StartupRuns; run++)
        {
            try
            {
                StartupRun start;
                if (run == 1)
                {
                    // The cold start is taken once: a second try would not be cold.
                    await Noise.WaitForQuietAsync();
                    start = await StartupBenchmark.RunAsync(run);
                }
                else
                {
                    var current = run;
                    start = await Noise.MeasureAsync(() => StartupBenchmark.RunAsync(current), s => new CpuUse(1, 0, double.NaN, s.Other), $"start-up run {run}");
                }

                results.Startup.Add(start);
                Progress.Say(start.Error is null
                    ? $"start-up run {run}: /readyz 200 after {start.ReadySeconds:F2} s, demo floor after {start.FloorSeconds:F2} s, gateway CPU {start.GatewayCpuSeconds:F2} s, RSS {start.RssMb:F0} MB, other {start.Other:F2} cores"
                    : $"start-up run {run} failed: {start.Error}");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                results.Failures.Add($"start-up run {run}: {exception.GetType().Name}: {exception.Message}");
                Progress.Say($"start-up run {run} failed: {exception}");
            }
        }
    }

    var wallboardStarted = DateTimeOffset.Now;
    var wallboardClock = Stopwatch.StartNew();
    if (options.Parts.Contains("wallboard"))
    {
        var count = options.WallboardPollIntervals.Count;
        foreach (var (poll, index) in options.WallboardPollIntervals.Select((p, i) => (p, i)))
        {
            var label = (poll is { } p ? $"Outbox:PollInterval {p.TotalMilliseconds:0.#} ms" : "Outbox:PollInterval at its default") + $", run {index + 1} of {count}";
            Progress.Say($"wallboard: gateway process ({label}), {options.WallboardClients} clients, {options.WallboardChanges} intakes + {options.WallboardPresenceChanges} presence changes");
            try
            {
                var run = await Noise.MeasureAsync(() => WallboardBenchmark.RunAsync(options, poll), r => r.Cpu, $"wallboard, {label}");
                results.Wallboard.Add(run);
                Progress.Say($"wallboard ({label}): gateway {run.GatewayCores:F2} cores, clients {run.Cpu.Self:F2}, other {run.Cpu.Other:F2}; " +
                    string.Join("; ", run.Series.Select(s => $"{s.Name} p50 {s.Latency.P50:F0} ms, p99 {s.Latency.P99:F0} ms, {s.Pairs}/{s.Expected} pairs")));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                results.Failures.Add($"wallboard ({label}): {exception.GetType().Name}: {exception.Message}");
                Progress.Say($"wallboard ({label}) failed: {exception}");
            }
        }
    }

    wallboardClock.Stop();

    var hubClientsStarted = DateTimeOffset.Now;
    var hubClientsClock = Stopwatch.StartNew();
    IReadOnlyList<HubClientsRun> hubClients = [];
    if (options.Parts.Contains("hubclients"))
    {
        try
        {
            hubClients = await HubClientsBenchmark.RunAsync(options);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"hub clients: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"hub clients failed: {exception}");
        }
    }

    hubClientsClock.Stop();

    var floorStarted = DateTimeOffset.Now;
    var floorClock = Stopwatch.StartNew();
    FloorScaleRun? floor = null;
    if (options.Parts.Contains("floor"))
    {
        try
        {
            floor = await FloorScaleBenchmark.RunAsync(options);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"floor: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"floor failed: {exception}");
        }
    }

    floorClock.Stop();

    var reportsStarted = DateTimeOffset.Now;
    ReportsRun? reports = null;
    if (options.Parts.Contains("reports"))
    {
        try
        {
            reports = await ReportsBenchmark.RunAsync(options);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"reports: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"reports failed: {exception}");
        }
    }

    var consoleStarted = DateTimeOffset.Now;
    var consoleClock = Stopwatch.StartNew();
    ConsoleListRun? consoleList = null;
    if (options.Parts.Contains("console"))
    {
        try
        {
            consoleList = await ConsoleListBenchmark.RunAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            results.Failures.Add($"console: {exception.GetType().Name}: {exception.Message}");
            Progress.Say($"console failed: {exception}");
        }
    }

    consoleClock.Stop();
    var machine = await Machine.DescribeAsync(options, pgbench);
    var report = new Report(options, machine, results, startedAt, clock.Elapsed);
    // The parts with a section of their own in docs/benchmarks.md, which a run of them alone replaces alone.
    var onlyWallboard = options.Parts.All(p => p is "wallboard" or "hubclients" or "floor" or "reports" or "console");
    if (!onlyWallboard)
    {
        Console.WriteLine(report.Tables());
        Console.WriteLine(report.Reading());
    }

    var wallboard = results.Wallboard.Count > 0
        ? new WallboardReport(options, machine, results.Wallboard, report.Command(), wallboardStarted, wallboardClock.Elapsed).Section()
        : null;
    if (wallboard is not null)
    {
        Console.WriteLine(wallboard);
    }

    var hubClientsSection = hubClients.Count > 0
        ? new HubClientsReport(hubClients, machine, report.Command(), hubClientsStarted, hubClientsClock.Elapsed).Section()
        : null;
    if (hubClientsSection is not null)
    {
        Console.WriteLine(hubClientsSection);
    }

    var floorSection = floor is not null
        ? new FloorScaleReport(floor, machine, report.Command(), floorStarted, floorClock.Elapsed).Section()
        : null;
    if (floorSection is not null)
    {
        Console.WriteLine(floorSection);
    }

    var reportsSection = reports?.Section(machine, report.Command(), reportsStarted);
    if (reportsSection is not null)
    {
        Console.WriteLine(reportsSection);
    }

    var consoleSection = consoleList is not null
        ? new ConsoleListReport(consoleList, machine, report.Command(), consoleStarted, consoleClock.Elapsed).Section()
        : null;
    if (consoleSection is not null)
    {
        Console.WriteLine(consoleSection);
    }

    if (onlyWallboard)
    {
        foreach (var failure in results.Failures)
        {
            Console.WriteLine($"- failed: {failure}");
        }
    }

    Console.WriteLine($"Total run time: {clock.Elapsed.TotalMinutes:F1} min");
    if (options.WriteDocs)
    {
        var path = options.DocsPath ?? Path.Combine(Report.RepositoryRoot(), "docs", "benchmarks.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
        if (onlyWallboard)
        {
            // Only these sections are this run's: the rest of the file stays as the last full run wrote it.
            var document = existing;
            foreach (var (place, section) in new[] { (WallboardReport.Place, wallboard), (HubClientsReport.Place, hubClientsSection), (FloorScaleReport.Place, floorSection), (ReportsRun.Place, reportsSection), (ConsoleListReport.Place, consoleSection) })
            {
                if (section is not null)
                {
                    document = place.Splice(document, section);
                }
            }

            await File.WriteAllTextAsync(path, document ?? string.Empty);
            Progress.Say(wallboard is null && hubClientsSection is null && floorSection is null && reportsSection is null && consoleSection is null ? $"no figures; {path} left as it was" : $"wrote this run's sections of {path}");
        }
        else
        {
            // A part that did not run (or failed) keeps the section already there.
            var document = report.Document(wallboard ?? WallboardReport.Place.Extract(existing), Report.ExtractBefore(existing));
            if ((hubClientsSection ?? HubClientsReport.Place.Extract(existing)) is { } kept)
            {
                document = HubClientsReport.Place.Splice(document, kept);
            }

            if ((floorSection ?? FloorScaleReport.Place.Extract(existing)) is { } keptFloor)
            {
                document = FloorScaleReport.Place.Splice(document, keptFloor);
            }

            if ((reportsSection ?? ReportsRun.Place.Extract(existing)) is { } keptReports)
            {
                document = ReportsRun.Place.Splice(document, keptReports);
            }

            if ((consoleSection ?? ConsoleListReport.Place.Extract(existing)) is { } keptConsole)
            {
                document = ConsoleListReport.Place.Splice(document, keptConsole);
            }

            await File.WriteAllTextAsync(path, document);
            Progress.Say($"wrote {path}");
        }
    }

    return results.Failures.Count == 0 ? 0 : 1;
}
finally
{
    if (pgbench is not null)
    {
        await pgbench.DisposeAsync();
    }
}
