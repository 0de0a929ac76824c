using Orleans;
using System.Globalization;
using System.Text;

namespace HotlineGrains.Bench;

/// <summary>Renders the results: tables for stdout, and the whole of docs/benchmarks.md.</summary>
internal sealed class Report(BenchOptions options, Machine machine, Results results, DateTimeOffset startedAt, TimeSpan elapsed)
{
    private const int GoalCallers = 64;
    private const double ThroughputGoal = 0.5;
    private const double LagGoalMs = 1000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "HotlineGrains.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (HotlineGrains.sln); pass --docs PATH.");
    }

    /// <summary>The command as it would be typed; a connection string given on the command line is not repeated.</summary>
    public string Command()
    {
        var arguments = new List<string>();
        for (var i = 0; i < options.Arguments.Count; i++)
        {
            var argument = options.Arguments[i];
            if (argument == "--postgres" || argument.StartsWith("--postgres=", StringComparison.Ordinal))
            {
                arguments.Add("--postgres '<admin connection string>'");
                i += argument == "--postgres" ? 1 : 0;
                continue;
            }

            arguments.Add(argument.Contains(' ', StringComparison.Ordinal) ? $"'{argument}'" : argument);
        }

        return "dotnet run -c Release --project bench/HotlineGrains.Bench" + (arguments.Count > 0 ? " -- " + string.Join(' ', arguments) : string.Empty);
    }

    public string Tables()
    {
        var text = new StringBuilder();
        if (results.Turns.Count > 0)
        {
            text.AppendLine(Invariant, $"### Grain turns ({options.Seconds:0.#} s per cell after {options.WarmupSeconds:0.#} s warm-up; each turn increments a counter: one write transaction)");
            text.AppendLine();
            text.AppendLine("| Storage | Silo:Concurrency | Callers | Grains | Nodes | turns/s | slowest–fastest second | p50 ms | p95 ms | p99 ms | max ms | runs/turn | errors | counters add up | .NET CPU µs/turn | PostgreSQL CPU µs/turn | other processes, cores |");
            text.AppendLine("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|");
            foreach (var t in results.Turns
                .OrderBy(t => t.Provider == "Sqlite" ? 0 : 1)
                .ThenBy(t => t.Scenario)
                .ThenBy(t => t.Callers)
                .ThenBy(t => t.Mode == "Optimistic" ? 0 : 1))
            {
                text.AppendLine(Invariant,
                    $"| {t.Provider} | {t.Mode} | {t.Callers} | {(t.Scenario == TurnScenario.Distinct ? "one each" : "ONE")} | {t.Nodes} | {t.TurnsPerSecond:F0} | {t.SecondRange.Min}–{t.SecondRange.Max} | {Ms(t.Latency.P50)} | {Ms(t.Latency.P95)} | {Ms(t.Latency.P99)} | {Ms(t.Latency.Max)} | {t.RunsPerTurn:F2} | {t.Errors} | {(t.Consistent ? "yes" : "**NO**")} | {PerOp(t.Cpu.Self, t.TurnsPerSecond)} | {(t.Provider == "Postgres" ? PerOp(t.Cpu.Postgres, t.TurnsPerSecond) : "–")} | {Cores(t.Cpu.Other)} |");
            }

            text.AppendLine();
            var errors = results.Turns.Where(t => t.FirstError is not null).ToList();
            foreach (var t in errors)
            {
                text.AppendLine(Invariant, $"- {t.Provider} {t.Mode} {t.ScenarioText} {t.Callers} callers, first error: `{t.FirstError}`");
            }

            if (errors.Count > 0)
            {
                text.AppendLine();
            }
        }

        if (results.Pgbench.Count > 0)
        {
            var modes = options.Modes.Where(m => results.Turns.Any(t => t.Provider == "Postgres" && t.Mode == m)).ToList();
            text.AppendLine(Invariant, $"### PostgreSQL: grain turns against pgbench -N (scale {options.PgbenchScale}, -j 2, {options.Seconds:0.#} s, same server, same run)");
            text.AppendLine();
            var raw = results.Raw.Count > 0;
            text.Append("| Clients = callers | pgbench tps | pgbench latency avg ms | pgbench CPU µs/tx (pgbench / PostgreSQL) |");
            if (raw)
            {
                text.Append(" raw turn SQL tx/s | raw CPU µs/tx (.NET / PostgreSQL) |");
            }

            foreach (var mode in modes)
            {
                text.Append(Invariant, $" {mode} turns/s | {mode} ÷ pgbench |");
                if (raw)
                {
                    text.Append(Invariant, $" {mode} ÷ raw |");
                }
            }

            text.AppendLine();
            text.Append("|--:|--:|--:|--:|");
            text.Append(raw ? "--:|--:|" : string.Empty);
            text.Append(string.Concat(Enumerable.Repeat(raw ? "--:|--:|--:|" : "--:|--:|", modes.Count)));
            text.AppendLine();
            foreach (var p in results.Pgbench.OrderBy(p => p.Clients))
            {
                var r = results.RawAt(p.Clients);
                text.Append(Invariant, $"| {p.Clients} | {p.Tps:F0} | {p.LatencyAverageMs:F2} | {PerOp(p.Cpu.Self, p.Tps)} / {PerOp(p.Cpu.Postgres, p.Tps)} |");
                if (raw)
                {
                    text.Append(r is null ? " – | – |" : string.Format(Invariant, " {0:F0} | {1} / {2} |", r.PerSecond, PerOp(r.Cpu.Self, r.PerSecond), PerOp(r.Cpu.Postgres, r.PerSecond)));
                }

                foreach (var mode in modes)
                {
                    var turn = results.Turn("Postgres", mode, TurnScenario.Distinct, p.Clients);
                    text.Append(turn is null ? " – | – |" : string.Format(Invariant, " {0:F0} | {1:F2} |", turn.TurnsPerSecond, turn.TurnsPerSecond / p.Tps));
                    if (raw)
                    {
                        text.Append(turn is null || r is null ? " – |" : string.Format(Invariant, " {0:F2} |", turn.TurnsPerSecond / r.PerSecond));
                    }
                }

                text.AppendLine();
            }

            text.AppendLine();
            text.AppendLine(Invariant, $"pgbench commands: `{results.PgbenchInitCommand}` once ({results.PgbenchInitSeconds:F1} s), then for each client count a {options.WarmupSeconds:0.#} s warm-up and `{results.Pgbench[0].Command}` (with -c set to the client count; pgbench caps -j at -c, so 1 client ran 1 thread).");
            text.AppendLine();
        }

        if (ModePairs().Count > 0)
        {
            text.AppendLine("### PostgreSQL: Optimistic against RowLock");
            text.AppendLine();
            text.AppendLine("| Callers | Grains | Nodes | Optimistic turns/s | RowLock turns/s | RowLock ÷ Optimistic | Optimistic p99 ms | RowLock p99 ms | Optimistic runs/turn | RowLock runs/turn | Optimistic errors | RowLock errors |");
            text.AppendLine("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var (o, r) in ModePairs())
            {
                text.AppendLine(Invariant,
                    $"| {o.Callers} | {(o.Scenario == TurnScenario.Distinct ? "one each" : "ONE")} | {o.Nodes} | {o.TurnsPerSecond:F0} | {r.TurnsPerSecond:F0} | {r.TurnsPerSecond / o.TurnsPerSecond:F2} | {Ms(o.Latency.P99)} | {Ms(r.Latency.P99)} | {o.RunsPerTurn:F2} | {r.RunsPerTurn:F2} | {o.Errors} | {r.Errors} |");
            }

            text.AppendLine();
        }

        if (results.Reminders.Count > 0)
        {
            text.AppendLine("### Reminder firing lag (default reminder options: poll 250 ms, batch 256, parallelism 8)");
            text.AppendLine();
            text.AppendLine("| Storage | registered | grains | rows after registering | registering took | reminders/s | other processes, cores |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
            foreach (var r in results.Reminders)
            {
                text.AppendLine(Invariant,
                    $"| {r.Provider} | {r.Registered:N0} | {r.Grains:N0} | {r.RowsAfterRegistering:N0} | {r.RegisterSeconds:F1} s | {r.RegisterPerSecond:F0} | {Cores(r.Cpu.Other)} |");
            }

            text.AppendLine();
            text.AppendLine("| Storage | measured set | reminders | due | fired | lag p50 ms | p95 ms | p99 ms | max ms |");
            text.AppendLine("|---|---|--:|---|--:|--:|--:|--:|--:|");
            foreach (var r in results.Reminders)
            {
                foreach (var set in new[] { r.Spread, r.Burst }.OfType<LagSet>())
                {
                    text.AppendLine(Invariant,
                        $"| {r.Provider} | {set.Name} | {set.Count:N0} | {set.DueText} | {set.Fired:N0} | {Ms(set.Lag.P50)} | {Ms(set.Lag.P95)} | {Ms(set.Lag.P99)} | {Ms(set.Lag.Max)} |");
                }
            }

            text.AppendLine();
            foreach (var r in results.Reminders)
            {
                text.AppendLine(Invariant,
                    $"- {r.Provider}: setting the measured reminders took {r.MeasuredRegisterSeconds:F1} s (the first was due {options.ReminderLeadSeconds:0.#} s after they started); grain code ran {r.Runs:N0} times for {r.FiredTotal:N0} firings; {r.Unexpected} firings of unmeasured reminders; {r.RowsAtEnd:N0} reminder rows left at the end ({r.Registered - r.FiredTotal:N0} expected).");
            }

            text.AppendLine();
        }

        if (results.Outbox.Count > 0)
        {
            text.AppendLine("### Outbox relay to the in-memory bus");
            text.AppendLine();
            text.AppendLine("| Storage | events | committing them (10 per turn, 16 callers) | relay start to last event consumed | events/s | events/s first to last consumed | outbox rows left |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
            foreach (var o in results.Outbox)
            {
                text.AppendLine(Invariant,
                    $"| {o.Provider} | {o.Received:N0} of {o.Events:N0} | {o.FillSeconds:F1} s | {o.DrainSeconds:F1} s | {o.EventsPerSecond:F0} | {o.SteadyEventsPerSecond:F0} | {o.RowsAtEnd} |");
            }

            text.AppendLine();
        }

        if (results.Live.Count > 0)
        {
            var live = results.Live[0];
            text.AppendLine(Invariant, $"### Turns that publish one event each, relay off and on ({live.Callers} callers on their own grains, Optimistic, {live.Seconds:F0} s)");
            text.AppendLine();
            text.AppendLine("| Storage | relay | turns/s | p50 ms | p95 ms | p99 ms | max ms | errors | outbox rows at the end | .NET CPU µs/turn | other processes, cores |");
            text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var t in results.Live)
            {
                text.AppendLine(Invariant,
                    $"| {t.Provider} | {(t.Relay ? "on" : "off")} | {t.TurnsPerSecond:F0} | {Ms(t.Latency.P50)} | {Ms(t.Latency.P95)} | {Ms(t.Latency.P99)} | {Ms(t.Latency.Max)} | {t.Errors} | {t.Backlog:N0} | {PerOp(t.Cpu.Self, t.TurnsPerSecond)} | {Cores(t.Cpu.Other)} |");
            }

            text.AppendLine();
        }

        if (results.Failures.Count > 0)
        {
            text.AppendLine("### Failures");
            text.AppendLine();
            foreach (var failure in results.Failures)
            {
                text.AppendLine(Invariant, $"- {failure}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public string Reading()
    {
        var text = new StringBuilder();
        text.AppendLine("### Reading");
        text.AppendLine();

        // Goal 1: turns/s on PostgreSQL at 64 callers >= half of pgbench -N at 64 clients.
        var pg64 = results.PgbenchAt(GoalCallers);
        var goalTurns = options.Modes.Select(m => results.Turn("Postgres", m, TurnScenario.Distinct, GoalCallers)).OfType<TurnResult>().ToList();
        if (pg64 is not null && goalTurns.Count > 0)
        {
            var best = goalTurns.MaxBy(t => t.TurnsPerSecond)!;
            var met = best.TurnsPerSecond / pg64.Tps >= ThroughputGoal;
            text.Append(Invariant, $"- **Throughput goal (PostgreSQL turns/s at {GoalCallers} callers ≥ {ThroughputGoal:0.#} × pgbench -N tps at {GoalCallers} clients): {(met ? "met" : "not met")}.** ");
            text.AppendLine(string.Join("; ", goalTurns.Select(t => string.Format(Invariant, "{0}: {1:F0} turns/s = {2:F2} × pgbench's {3:F0} tps", t.Mode, t.TurnsPerSecond, t.TurnsPerSecond / pg64.Tps, pg64.Tps))) + ".");
            var ratios = results.Pgbench.OrderBy(p => p.Clients)
                .Select(p => (p, t: results.Turn("Postgres", best.Mode, TurnScenario.Distinct, p.Clients)))
                .Where(x => x.t is not null)
                .Select(x => string.Format(Invariant, "{0:F2} at {1}", x.t!.TurnsPerSecond / x.p.Tps, x.p.Clients))
                .ToList();
            text.AppendLine(Invariant, $"  The ratio for {best.Mode} by client count: {string.Join(", ", ratios)}. A turn sends fewer statements than a pgbench -N transaction (BEGIN with the UPDATE, then COMMIT, against pgbench's five), but runs them through the runtime (activation gate, JSON state, Npgsql) in a .NET process that shares the machine's {machine.Processors} cores with the server.");
            var raw64 = results.RawAt(GoalCallers);
            var where = string.Create(Invariant,
                $"  Where the time goes at {GoalCallers} callers ({best.Mode}): PostgreSQL used {best.Cpu.Postgres:F2} cores ({PerOp(best.Cpu.Postgres, best.TurnsPerSecond)} µs a turn), the .NET process {best.Cpu.Self:F2} cores ({PerOp(best.Cpu.Self, best.TurnsPerSecond)} µs a turn), other processes {best.Cpu.Other:F2}");
            if (raw64 is not null)
            {
                where += string.Create(Invariant,
                    $"; the same SQL sent straight through Npgsql without the runtime did {raw64.PerSecond:F0} tx/s, so the runtime kept {best.TurnsPerSecond / raw64.PerSecond:P0} of it");
            }

            text.AppendLine(where + ".");
        }
        else
        {
            text.AppendLine(Invariant, $"- Throughput goal: not evaluated (needs pgbench and PostgreSQL turns at {GoalCallers}).");
        }

        // Goal 2: reminder lag p99 under a second with 100,000 registered.
        foreach (var r in results.Reminders)
        {
            var met = r.Spread.Fired == r.Spread.Count && r.Spread.Lag.P99 < LagGoalMs;
            var line = string.Create(Invariant,
                $"- **Reminder goal on {r.Provider} (p99 lag < 1 s with {r.Registered:N0} registered): {(met ? "met" : "not met")}.** {r.Spread.Count:N0} reminders due over {options.ReminderSpreadSeconds:0.#} s: p50 {Ms(r.Spread.Lag.P50)} ms, p99 {Ms(r.Spread.Lag.P99)} ms, max {Ms(r.Spread.Lag.Max)} ms, {r.Spread.Fired:N0} fired.");
            if (r.Burst is { } burst)
            {
                line += string.Create(Invariant,
                    $" {burst.Count:N0} due at the same moment were all fired {Ms(burst.Lag.Max)} ms after it (p50 {Ms(burst.Lag.P50)} ms): a backlog goes at about {burst.Fired / Math.Max(burst.Lag.Max / 1000, 0.001):F0} firings/s with the default parallelism of 8.");
            }

            line += string.Create(Invariant, $" Registering {r.Registered:N0} through {r.Grains:N0} turns took {r.RegisterSeconds:F1} s ({r.RegisterPerSecond:F0}/s).");
            text.AppendLine(line);
        }

        // Mode choice.
        var pairs = ModePairs();
        if (pairs.Count > 0)
        {
            var single = pairs.Where(p => p.Optimistic.Nodes == 1).ToList();
            var geo = single.Count == 0 ? double.NaN : Math.Exp(single.Average(p => Math.Log(p.RowLock.TurnsPerSecond / p.Optimistic.TurnsPerSecond)));
            var two = pairs.FirstOrDefault(p => p.Optimistic.Nodes == 2);
            text.AppendLine(Invariant,
                $"- **Optimistic or RowLock.** On one node RowLock ran at {geo:F2} × Optimistic's throughput (geometric mean over {single.Count} PostgreSQL cells): on one node the activation gate already serialises a grain's turns, so RowLock only adds its `SELECT … FOR UPDATE` round trip per turn while Optimistic writes straight from the cached state.");
            if (two is var (o2, r2) && o2 is not null)
            {
                text.AppendLine(Invariant,
                    $"  With {o2.Callers} callers on one grain split over two nodes (the case the modes exist for): Optimistic {o2.TurnsPerSecond:F0} turns/s, {o2.RunsPerTurn:F2} runs of the grain code per committed turn, {o2.Errors} calls failed, p99 {Ms(o2.Latency.P99)} ms; RowLock {r2.TurnsPerSecond:F0} turns/s, {r2.RunsPerTurn:F2} runs per turn, {r2.Errors} failed, p99 {Ms(r2.Latency.P99)} ms.");
                text.AppendLine("  " + Recommendation(geo, o2, r2));
            }
        }

        var sqlite = options.SqliteModes.Select(m => results.Turn("Sqlite", m, TurnScenario.Distinct, GoalCallers) ?? results.Turns.Where(t => t.Provider == "Sqlite" && t.Mode == m && t.Scenario == TurnScenario.Distinct).MaxBy(t => t.Callers))
            .OfType<TurnResult>().ToList();
        if (sqlite.Count > 0)
        {
            var top = sqlite.MaxBy(t => t.TurnsPerSecond)!;
            var one = results.Turn("Sqlite", top.Mode, TurnScenario.Distinct, 1);
            text.AppendLine(Invariant,
                $"- **SQLite** has one writer: every write transaction queues on one in-process gate, so more callers add queueing, not throughput ({(one is null ? string.Empty : string.Format(Invariant, "{0:F0} turns/s at 1 caller, ", one.TurnsPerSecond))}{top.TurnsPerSecond:F0} at {top.Callers}, p99 {Ms(top.Latency.P99)} ms, {top.Mode}).");
        }

        var oneCaller = results.Turn("Postgres", "Optimistic", TurnScenario.Distinct, 1);
        var oneRaw = results.RawAt(1);
        if (oneCaller is not null && oneRaw is not null && oneCaller.Cpu.IsKnown)
        {
            text.AppendLine(Invariant,
                $"- **One caller:** the .NET process used {oneCaller.Cpu.Self:F2} cores to run one caller's turns one after another ({PerOp(oneCaller.Cpu.Self, oneCaller.TurnsPerSecond)} µs a turn, against {(goalTurns.FirstOrDefault(t => t.Mode == "Optimistic") is { } t64 ? PerOp(t64.Cpu.Self, t64.TurnsPerSecond) : "–")} at {GoalCallers} callers); the raw Npgsql loop did the same ({oneRaw.Cpu.Self:F2} cores, {PerOp(oneRaw.Cpu.Self, oneRaw.PerSecond)} µs a transaction). That is .NET's thread pool spinning while it waits for the next reply, not the runtime's code; on {machine.Processors} cores it takes CPU the database could use.");
        }

        var inconsistent = results.Turns.Where(t => !t.Consistent).ToList();
        text.AppendLine(inconsistent.Count == 0
            ? "- **Correctness check:** in every cell the counters read back afterwards add up exactly to the turns that reported success (no lost or phantom update)."
            : "- **Correctness check FAILED** in: " + string.Join(", ", inconsistent.Select(t => $"{t.Provider} {t.Mode} {t.ScenarioText} {t.Callers}")) + ".");
        var otherMax = results.Turns.Concat(results.Live).Select(t => t.Cpu.Other).Concat(results.Pgbench.Select(p => p.Cpu.Other)).Concat(results.Raw.Select(r => r.Cpu.Other))
            .Where(o => !double.IsNaN(o)).DefaultIfEmpty(double.NaN).Max();
        text.AppendLine(
            string.Create(Invariant, $"- **Caveats:** each cell ran once. While this bench was being written, separate runs of the same cell on this machine differed by up to about a quarter even with nothing else running (a small virtual machine), so read differences under ~25 % between single cells as noise; the *slowest–fastest second* column shows the swing inside a cell. Other processes used at most {Cores(otherMax)} cores during any throughput measurement of this run. Client and database share {machine.Processors} cores, so every figure includes CPU contention between the .NET process, PostgreSQL and pgbench. PostgreSQL runs with fsync and synchronous_commit on ({machine.PostgreSqlSettings}), so every commit waits for a WAL flush; ") +
            (machine.FsyncMicroseconds < 300
                ? string.Create(Invariant, $"this disk acknowledges one in about {machine.FsyncMicroseconds:F0} µs, so commits are cheap here and the load is CPU-bound: on a disk with millisecond flushes the figures would be lower and bound by the disk.")
                : string.Create(Invariant, $"this disk takes about {machine.FsyncMicroseconds:F0} µs for one.")));
        return text.ToString();
    }

    private static string Recommendation(double rowLockOverOptimistic, TurnResult optimistic, TurnResult rowLock)
    {
        var optimisticFails = optimistic.Errors > 0;
        var crossNode = rowLock.TurnsPerSecond / optimistic.TurnsPerSecond;
        if (!optimisticFails && rowLockOverOptimistic < 0.97 && crossNode < 1.1)
        {
            return string.Format(Invariant,
                "Recommendation from these figures: **Optimistic** (the default). It is faster on one node and held up under cross-node contention here (no failed calls, RowLock only {0:F2} × its throughput there).",
                crossNode);
        }

        if (optimisticFails || (crossNode >= 1.1 && rowLockOverOptimistic >= 0.9))
        {
            return string.Format(Invariant,
                "Recommendation from these figures: **RowLock** for deployments with more than one node, since under cross-node contention Optimistic {0}; on a single node the cost of RowLock is the {1:P0} throughput difference above.",
                optimisticFails ? "made callers fail after exhausting its re-runs" : string.Format(Invariant, "reached only {0:F2} × RowLock's throughput by re-running turns", 1 / crossNode),
                1 - rowLockOverOptimistic);
        }

        return string.Format(Invariant,
            "Recommendation from these figures: the difference is mixed (one node: RowLock {0:F2} × Optimistic; contended across nodes: RowLock {1:F2} × Optimistic); keep **Optimistic** (the default) unless grains are hot across nodes.",
            rowLockOverOptimistic, crossNode);
    }

    private List<(TurnResult Optimistic, TurnResult RowLock)> ModePairs() =>
        results.Turns
            .Where(t => t.Provider == "Postgres" && t.Mode == "Optimistic")
            .Select(o => (o, r: results.Turn("Postgres", "RowLock", o.Scenario, o.Callers)))
            .Where(x => x.r is not null)
            .OrderBy(x => x.o.Scenario).ThenBy(x => x.o.Callers)
            .Select(x => (x.o, x.r!))
            .ToList();

    /// <summary>The whole of docs/benchmarks.md; <paramref name="wallboardSection"/> (the marked wallboard section, new or kept) goes at the end.</summary>
    public string Document(string? wallboardSection)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine("Written by `bench/HotlineGrains.Bench` (see `bench/README.md`); do not edit by hand, run it again.");
        text.AppendLine();
        text.AppendLine(Invariant, $"- **Date:** {startedAt.ToString("yyyy-MM-dd HH:mm zzz", Invariant)}");
        text.AppendLine(Invariant, $"- **Command:** `{Command()}` (from the repository root, after `eval \"$(scripts/services.sh env)\"`)");
        text.AppendLine(Invariant, $"- **Full run took:** {elapsed.TotalMinutes:F1} min");
        text.AppendLine();
        text.AppendLine("## Machine");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(Invariant, $"| Processors (nproc) | {machine.Processors} |");
        text.AppendLine(Invariant, $"| CPU | {machine.Cpu} |");
        text.AppendLine(Invariant, $"| Memory | {machine.Memory} |");
        text.AppendLine(Invariant, $"| OS | {machine.OperatingSystem} |");
        text.AppendLine(Invariant, $"| .NET | {machine.Dotnet} ({machine.Build}) |");
        text.AppendLine(Invariant, $"| PostgreSQL | {machine.PostgreSql} |");
        text.AppendLine(Invariant, $"| PostgreSQL settings | {machine.PostgreSqlSettings} |");
        text.AppendLine(Invariant, $"| pgbench | {machine.Pgbench} |");
        text.AppendLine(Invariant, $"| SQLite | {machine.Sqlite} (WAL, synchronous=normal, as the runtime opens it) |");
        text.AppendLine(Invariant, $"| Disk | {machine.Disk} |");
        text.AppendLine(Invariant, $"| Source measured | {machine.Source} |");
        text.AppendLine();
        text.AppendLine("Client, PostgreSQL server and pgbench all run on this one machine over loopback TCP.");
        text.AppendLine();
        text.AppendLine("## Goals and reading");
        text.AppendLine();
        text.Append(Reading().Replace("### Reading" + Environment.NewLine + Environment.NewLine, string.Empty, StringComparison.Ordinal));
        text.AppendLine();
        text.AppendLine("## Results");
        text.AppendLine();
        text.Append(Tables().Replace("### ", "#### ", StringComparison.Ordinal));
        text.AppendLine("## Method");
        text.AppendLine();
        text.AppendLine("- Every cell runs in a fresh database: a throw-away PostgreSQL database created with the admin connection (`HOTLINE_TEST_POSTGRES`) and dropped afterwards, or a temp SQLite file. The silo is the real runtime as `AddSilo` wires it (logging at Warning, in-memory bus); the reminder loop and the outbox relay are off except in their own tests.");
        text.AppendLine("- Grain turns: each caller loops on `IGrainFactory.CallAsync` on the `bench-counter` grain for the cell's duration after a warm-up with the same load; a turn increments the counter, so every turn is a write transaction. *Callers* are concurrent loops; *Grains* \"one each\" gives every caller its own grain, \"ONE\" puts them all on one grain; *Nodes* 2 means two silo hosts in this process on the same database, callers split between them. Latency is one `CallAsync`, measured in the caller. *runs/turn* is how often the grain code ran per committed turn (above 1: turns re-run after losing a race). *counters add up*: afterwards the counters are read back and must equal the number of calls that succeeded.");
        text.AppendLine("- pgbench: `pgbench -i` on a throw-away database, then `pgbench -N` with the same client counts and duration, each after a warm-up, interleaved with the PostgreSQL grain cells of the same client count.");
        text.AppendLine(Invariant, $"- Reminders: {options.RemindersPerGrain} reminders per `bench-reminder` grain, set in one turn per grain, {options.RegisterParallelism} turns at once; all but the measured ones are due 1–2 days later. The measured ones (one reminder on each of the first grains) are set next: the *spread* set due evenly over the window shown, the *burst* set all due at one moment after it, counted from when they started being set. Lag = wall-clock time the grain's `ReceiveReminder` first ran − the reminder's due time.");
        text.AppendLine("- Outbox: a silo with the relay off commits the events (10 per turn); a second silo with the relay on starts on that database, timed from its start until a MassTransit consumer on the in-memory bus has received every event. Then turns that each increment a counter and publish one event are timed with the relay off and on.");
        text.AppendLine(Invariant, $"- CPU: while each measurement runs, the bench reads /proc for the CPU time of its own process (pgbench included), of the PostgreSQL processes, and of the whole machine; *other processes* is the rest (builds, tests, other people's databases on the same machine). A measurement during which others used more than {Noise.Limit:0.##} cores is taken again (up to {Noise.Retries} more time(s)) and the least disturbed one is kept; before each one the bench waits up to {Noise.QuietWait.TotalSeconds:0} s for the machine to be quiet. µs/turn = CPU time ÷ turns.");
        if (wallboardSection is not null)
        {
            text.AppendLine();
            text.Append(wallboardSection);
        }

        return text.ToString();
    }

    private static string PerOp(double cores, double perSecond) =>
        double.IsNaN(cores) || perSecond <= 0 ? "–" : (cores / perSecond * 1e6).ToString("F0", Invariant);

    private static string Cores(double cores) =>
        double.IsNaN(cores) ? "–" : cores.ToString("F2", Invariant);

    private static string Ms(double value) =>
        double.IsNaN(value) ? "–" : value >= 100 ? value.ToString("F0", Invariant) : value.ToString("F2", Invariant);
}
