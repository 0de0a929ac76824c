using System.Globalization;
using System.Text;

namespace HotlineGrains.Bench;

/// <summary>Renders the results: tables for stdout, and the whole of docs/benchmarks.md.</summary>
internal sealed class Report(BenchOptions options, Machine machine, Results results, DateTimeOffset startedAt, TimeSpan elapsed)
{
    /// <summary>Issue 9: PostgreSQL turns/s at 64 callers at least this share of pgbench -N at 64 clients.</summary>
    public const double ThroughputGoal = 0.9;

    public const double LagGoalMs = 1000;

    public const double StartupGoalSeconds = 5;

    /// <summary>The figures of the project's own runtime, kept as written by hand between these markers.</summary>
    public const string BeforeStart = "<!-- before-orleans:start -->";
    public const string BeforeEnd = "<!-- before-orleans:end -->";

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

    /// <summary>The "before the move to Orleans" section of <paramref name="document"/>, markers included; null if there is none.</summary>
    public static string? ExtractBefore(string? document)
    {
        if (document is null)
        {
            return null;
        }

        var start = document.IndexOf(BeforeStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : document.IndexOf(BeforeEnd, start, StringComparison.Ordinal);
        return end < 0 ? null : document[start..(end + BeforeEnd.Length)] + Environment.NewLine;
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

    /// <summary>The cells of one kind of call, as the service ships (no variant settings).</summary>
    private IEnumerable<TurnResult> Cells(TurnWork work) => results.Turns.Where(t => t.Work == work && t.Variant is null);

    public string Tables()
    {
        var text = new StringBuilder();
        var counters = Cells(TurnWork.Counter).ToList();
        if (counters.Count > 0)
        {
            text.AppendLine(Invariant, $"### Grain turns ({options.Seconds:0.#} s per cell after {options.WarmupSeconds:0.#} s warm-up; each turn increments a counter: one write through the storage provider)");
            text.AppendLine();
            text.AppendLine("| Storage | Callers | Grains | Silos | turns/s | slowest–fastest second | p50 ms | p95 ms | p99 ms | max ms | errors | counters add up | .NET CPU µs/turn | PostgreSQL CPU µs/turn | other processes, cores |");
            text.AppendLine("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|");
            foreach (var t in counters.OrderBy(t => t.Provider == "Sqlite" ? 0 : 1).ThenBy(t => t.Scenario).ThenBy(t => t.Callers))
            {
                text.AppendLine(Invariant,
                    $"| {t.Provider} | {t.Callers} | {(t.Scenario == TurnScenario.Distinct ? "one each" : "ONE")} | {t.Silos} | {t.TurnsPerSecond:F0} | {t.SecondRange.Min}–{t.SecondRange.Max} | {Ms(t.Latency.P50)} | {Ms(t.Latency.P95)} | {Ms(t.Latency.P99)} | {Ms(t.Latency.Max)} | {t.Errors} | {(t.Consistent ? "yes" : "**NO**")} | {PerOp(t.Cpu.Self, t.TurnsPerSecond)} | {(t.Provider == "Postgres" ? PerOp(t.Cpu.Postgres, t.TurnsPerSecond) : "–")} | {Cores(t.Cpu.Other)} |");
            }

            text.AppendLine();
        }

        if (results.Pgbench.Count > 0 || results.Raw.Count > 0)
        {
            text.AppendLine(Invariant, $"### PostgreSQL: grain turns against pgbench -N and against the write function alone (scale {options.PgbenchScale}, {options.Seconds:0.#} s each, same server, same run)");
            text.AppendLine();
            text.AppendLine("| Clients = callers | pgbench tps | pgbench CPU µs/tx (pgbench / PostgreSQL) | write function via Npgsql, writes/s | its CPU µs/write (.NET / PostgreSQL) | counter turns/s | turns ÷ pgbench | turns ÷ write function | turns CPU µs/turn (.NET / PostgreSQL) |");
            text.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var clients in options.Callers)
            {
                var p = results.PgbenchAt(clients);
                var r = results.RawAt(clients);
                var t = results.Turn("Postgres", TurnScenario.Distinct, clients);
                text.AppendLine(Invariant,
                    $"| {clients} | {(p is null ? "–" : p.Tps.ToString("F0", Invariant))} | {(p is null ? "–" : $"{PerOp(p.Cpu.Self, p.Tps)} / {PerOp(p.Cpu.Postgres, p.Tps)}")} | {(r is null ? "–" : r.PerSecond.ToString("F0", Invariant))} | {(r is null ? "–" : $"{PerOp(r.Cpu.Self, r.PerSecond)} / {PerOp(r.Cpu.Postgres, r.PerSecond)}")} | {(t is null ? "–" : t.TurnsPerSecond.ToString("F0", Invariant))} | {Ratio(t?.TurnsPerSecond, p?.Tps)} | {Ratio(t?.TurnsPerSecond, r?.PerSecond)} | {(t is null ? "–" : $"{PerOp(t.Cpu.Self, t.TurnsPerSecond)} / {PerOp(t.Cpu.Postgres, t.TurnsPerSecond)}")} |");
            }

            text.AppendLine();
            if (results.PgbenchInitCommand is not null && results.Pgbench.Count > 0)
            {
                text.AppendLine(Invariant, $"pgbench: `{results.PgbenchInitCommand}` once ({results.PgbenchInitSeconds:F1} s), then for each client count a {options.WarmupSeconds:0.#} s warm-up and `{results.Pgbench[0].Command}` with -c set to the client count (pgbench caps -j at -c). Its latency average: {string.Join(", ", results.Pgbench.OrderBy(p => p.Clients).Select(p => string.Format(Invariant, "{0:F2} ms at {1}", p.LatencyAverageMs, p.Clients)))}.");
                text.AppendLine();
            }
        }

        var effects = Cells(TurnWork.Effects).ToList();
        if (effects.Count > 0)
        {
            text.AppendLine("### PostgreSQL: turns that also raise an event and write a read-model row (one write carries state, outbox row and read-model row)");
            text.AppendLine();
            text.AppendLine("| Callers | outbox relay | turns/s | ÷ counter turns/s | p50 ms | p95 ms | p99 ms | max ms | errors | counters add up | outbox rows left | read-model rows | .NET CPU µs/turn | PostgreSQL CPU µs/turn | other processes, cores |");
            text.AppendLine("|--:|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|");
            foreach (var t in effects.OrderBy(t => t.Callers).ThenBy(t => t.Relay))
            {
                var plain = results.Turn("Postgres", TurnScenario.Distinct, t.Callers);
                text.AppendLine(Invariant,
                    $"| {t.Callers} | {(t.Relay ? "on" : "off")} | {t.TurnsPerSecond:F0} | {Ratio(t.TurnsPerSecond, plain?.TurnsPerSecond)} | {Ms(t.Latency.P50)} | {Ms(t.Latency.P95)} | {Ms(t.Latency.P99)} | {Ms(t.Latency.Max)} | {t.Errors} | {(t.Consistent ? "yes" : "**NO**")} | {t.OutboxRows:N0} | {t.ReadModelRows:N0} | {PerOp(t.Cpu.Self, t.TurnsPerSecond)} | {PerOp(t.Cpu.Postgres, t.TurnsPerSecond)} | {Cores(t.Cpu.Other)} |");
            }

            text.AppendLine();
            text.AppendLine("With the relay on, the silo's relay publishes each stored event to the in-memory bus and deletes its outbox row while the turns run; *outbox rows left* is what it had not relayed when the cell ended (with it off, every event of the warm-up and the cell).");
            text.AppendLine();
        }

        var breakdown = Cells(TurnWork.Query).Concat(Cells(TurnWork.Unchanged)).ToList();
        if (breakdown.Count > 0 || results.Statements is not null || results.Json is not null || results.Turns.Any(t => t.Variant is not null))
        {
            text.AppendLine(Invariant, $"### PostgreSQL: where a turn's time goes ({options.GoalCallers} callers on grains of their own unless said)");
            text.AppendLine();
            text.AppendLine("| call | calls/s | p50 ms | p99 ms | .NET CPU µs/call | PostgreSQL CPU µs/call | other processes, cores |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
            var counter = results.Turn("Postgres", TurnScenario.Distinct, options.GoalCallers);
            var noReset = results.Turn("Postgres", TurnScenario.Distinct, options.GoalCallers, variant: BenchOptions.NoResetOnClose);
            foreach (var t in breakdown.Append(counter).Append(noReset).OfType<TurnResult>())
            {
                text.AppendLine(Invariant,
                    $"| {t.WorkText}{(t.Variant is null ? string.Empty : $", `{t.Variant}`")} | {t.TurnsPerSecond:F0} | {Ms(t.Latency.P50)} | {Ms(t.Latency.P99)} | {PerOp(t.Cpu.Self, t.TurnsPerSecond)} | {PerOp(t.Cpu.Postgres, t.TurnsPerSecond)} | {Cores(t.Cpu.Other)} |");
            }

            if (results.RawAt(options.GoalCallers, Breakdown.ProviderVariant) is { } provider)
            {
                text.AppendLine(Invariant,
                    $"| Orleans' ADO.NET storage provider alone (`IGrainStorage.WriteStateAsync`, no grain call, no turn) | {provider.PerSecond:F0} | {Ms(provider.Latency.P50)} | {Ms(provider.Latency.P99)} | {PerOp(provider.Cpu.Self, provider.PerSecond)} | {PerOp(provider.Cpu.Postgres, provider.PerSecond)} | {Cores(provider.Cpu.Other)} |");
            }

            foreach (var raw in new[] { results.RawAt(options.GoalCallers), results.RawAt(options.GoalCallers, BenchOptions.NoResetOnClose) }.OfType<RawResult>())
            {
                text.AppendLine(Invariant,
                    $"| the write function alone, via Npgsql (no Orleans){(raw.Variant is null ? string.Empty : $", `{raw.Variant}`")} | {raw.PerSecond:F0} | {Ms(raw.Latency.P50)} | {Ms(raw.Latency.P99)} | {PerOp(raw.Cpu.Self, raw.PerSecond)} | {PerOp(raw.Cpu.Postgres, raw.PerSecond)} | {Cores(raw.Cpu.Other)} |");
            }

            if (results.PgbenchAt(options.GoalCallers) is { } pg)
            {
                text.AppendLine(Invariant,
                    $"| pgbench -N transaction | {pg.Tps:F0} | – | – | {PerOp(pg.Cpu.Self, pg.Tps)} (pgbench) | {PerOp(pg.Cpu.Postgres, pg.Tps)} | {Cores(pg.Cpu.Other)} |");
            }

            text.AppendLine();
            if (results.Statements is { } s)
            {
                text.AppendLine(Invariant,
                    $"Statements per counter turn (16 callers, {s.Seconds:F1} s, {s.Turns:N0} turns): Npgsql executed {s.CommandsPerTurn:F2} commands a turn ({string.Join("; ", s.Commands.OrderByDescending(c => c.Value).Select(c => string.Format(Invariant, "{0:N0} × `{1}`", c.Value, c.Key)))}), and PostgreSQL committed {s.TransactionsPerTurn:F2} transactions a turn in the database (pg_stat_database, less {s.BackgroundTransactions:N0} in {s.IdleSeconds:F1} s of the idle silo's own).");
                text.AppendLine();
            }

            if (results.Json is { } j)
            {
                text.AppendLine(Invariant,
                    $"JSON of a counter turn on one thread (copy the committed state, serialise the new one, compare, make the record's element, serialise the {j.PayloadBytes}-byte grain record for the provider): {j.TurnMicroseconds:F2} µs, of which the provider's record {j.ProviderMicroseconds:F2} µs.");
                text.AppendLine();
            }
        }

        if (results.Reminders.Count > 0)
        {
            text.AppendLine("### Reminder firing lag (Orleans' reminder service, options at their defaults unless said)");
            text.AppendLine();
            text.AppendLine("| Storage | silos | registered | of the bulk through grain turns | took | per second | through IReminderTable.UpsertRow | took | per second | CPU cores while registering (.NET / PostgreSQL / other) | rows after | RefreshReminderListPeriod | ReminderLoadingWindow | peak working set of the bench, MB |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var r in results.Reminders)
            {
                text.AppendLine(Invariant,
                    $"| {r.Provider} | {r.Silos} | {r.Registered:N0} | {r.ThroughTurns:N0} in {r.TurnCalls:N0} turns | {r.TurnSeconds:F1} s | {PerSecond(r.ThroughTurns, r.TurnSeconds)} | {r.ThroughTable:N0} | {r.TableSeconds:F1} s | {PerSecond(r.ThroughTable, r.TableSeconds)} | {Cores(r.RegisterCpu.Self)} / {Cores(r.RegisterCpu.Postgres)} / {Cores(r.RegisterCpu.Other)} | {r.RowsAfterRegistering:N0} | {Span(r.RefreshPeriod)} | {Span(r.LoadingWindow)} | {r.PeakWorkingSetMb:F0} |");
            }

            text.AppendLine();
            text.AppendLine("| Storage | round: measured set | reminders | due (from when the round started setting them) | fired | lag p50 ms | p95 ms | p99 ms | max ms | min ms | fired ≥ 1 s late | GC pauses in the process while it fired | range-read sweeps overlapping the round |");
            text.AppendLine("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|");
            foreach (var r in results.Reminders)
            {
                foreach (var round in r.Rounds)
                {
                    var sweeps = Sweeps(r.SweepsDuring(round));
                    foreach (var set in new[] { round.Spread, round.Burst }.OfType<LagSet>())
                    {
                        text.AppendLine(Invariant,
                            $"| {r.Provider} | {set.Name} | {set.Count:N0} | {set.DueText} | {set.Fired:N0} | {Ms(set.Lag.P50)} | {Ms(set.Lag.P95)} | {Ms(set.Lag.P99)} | {Ms(set.Lag.Max)} | {Ms(set.MinLagMs)} | {set.OverGoal:N0} | {round.GcPauseMs:F0} ms, {round.Gen2Collections} gen2 | {sweeps} |");
                    }
                }
            }

            text.AppendLine();
            foreach (var r in results.Reminders)
            {
                var largest = r.LargestSweep;
                text.AppendLine(
                    string.Create(Invariant, $"- {r.Provider}: setting a round's measured reminders (one turn each) took {string.Join(" and ", r.Rounds.Select(x => x.RegisterSeconds.ToString("F1", Invariant)))} s (the first was due {options.ReminderLeadSeconds:0.#} s after they started); grain code ran {r.Runs:N0} times for {r.FiredTotal:N0} firings; {r.Unexpected} firings of reminders not measured; {r.RowsAtEnd:N0} reminder rows left at the end ({r.Registered - r.FiredTotal:N0} expected); CPU while round 1 fired: .NET {Cores(r.First.Cpu.Self)}, PostgreSQL {Cores(r.First.Cpu.Postgres)}, other {Cores(r.First.Cpu.Other)} cores. ") +
                    string.Create(Invariant, $"The silos' reminder services read ranges of the table {r.Reads.Count} times in {r.Sweeps.Count} sweeps (start, ring changes, refreshes)") +
                    (largest is null ? string.Empty : string.Format(Invariant, "; the largest sweep read {0:N0} rows in {1:N0} ms", largest.Rows, largest.Milliseconds)) +
                    "; all sweeps: " + string.Join(", ", r.Sweeps.Select(w => string.Format(Invariant, "{0} {1:HH:mm:ss} {2:N0} rows in {3:N0} ms", w.Silo, w.From, w.Rows, w.Milliseconds))) + ".");
            }

            text.AppendLine();
        }

        if (results.Outbox.Count > 0)
        {
            text.AppendLine("### Outbox relay to the in-memory bus");
            text.AppendLine();
            text.AppendLine("| Storage | events | storing them (10 per turn, 16 callers) | relay start to last event consumed | events/s | events/s first to last consumed | outbox rows left |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
            foreach (var o in results.Outbox)
            {
                text.AppendLine(Invariant,
                    $"| {o.Provider} | {o.Received:N0} of {o.Events:N0} | {o.FillSeconds:F1} s | {o.DrainSeconds:F1} s | {o.EventsPerSecond:F0} | {o.SteadyEventsPerSecond:F0} | {o.RowsAtEnd} |");
            }

            text.AppendLine();
        }

        if (results.Startup.Count > 0)
        {
            text.AppendLine("### Embedded start-up: the gateway process until /readyz answers 200");
            text.AppendLine();
            text.AppendLine("| run | /readyz 200 after, s | demo floor seeded after, s | gateway CPU until ready, s | gateway RSS when ready, MB | other processes, cores |");
            text.AppendLine("|--:|--:|--:|--:|--:|--:|");
            foreach (var s in results.Startup)
            {
                text.AppendLine(Invariant,
                    $"| {s.Run}{(s.Run == 1 ? " (cold)" : string.Empty)} | {(s.Error is null ? s.ReadySeconds.ToString("F2", Invariant) : "failed: " + s.Error)} | {(s.FloorSeconds is { } f ? f.ToString("F2", Invariant) : "–")} | {s.GatewayCpuSeconds:F2} | {s.RssMb:F0} | {Cores(s.Other)} |");
            }

            text.AppendLine();
        }

        var errors = results.Turns.Where(t => t.FirstError is not null).ToList();
        foreach (var t in errors)
        {
            text.AppendLine(Invariant, $"- {t.Provider} {t.WorkText}, {t.ScenarioText}, {t.Callers} callers, first error: `{t.FirstError}`");
        }

        if (errors.Count > 0)
        {
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
        var goal = options.GoalCallers;

        // Goal 1: PostgreSQL turns/s at 64 callers >= 0.9 x pgbench -N at 64 clients.
        var pg = results.PgbenchAt(goal);
        var turn = results.Turn("Postgres", TurnScenario.Distinct, goal);
        if (pg is not null && turn is not null)
        {
            var ratio = turn.TurnsPerSecond / pg.Tps;
            text.AppendLine(Invariant,
                $"- **Throughput (PostgreSQL counter turns/s at {goal} callers ≥ {ThroughputGoal:0.0} × pgbench -N tps at {goal} clients): {(ratio >= ThroughputGoal ? "met" : "not met")}.** {turn.TurnsPerSecond:F0} turns/s against pgbench's {pg.Tps:F0} tps: {ratio:F2} ×.");
            var ratios = options.Callers
                .Select(c => (c, t: results.Turn("Postgres", TurnScenario.Distinct, c), p: results.PgbenchAt(c)))
                .Where(x => x.t is not null && x.p is not null)
                .Select(x => string.Format(Invariant, "{0:F2} at {1} ({2:F0} against {3:F0})", x.t!.TurnsPerSecond / x.p!.Tps, x.c, x.t.TurnsPerSecond, x.p.Tps))
                .ToList();
            text.AppendLine(Invariant, $"  By caller count: {string.Join(", ", ratios)}.");
            var best = results.Pgbench.MaxBy(p => p.Tps);
            if (best is not null && best.Clients != goal)
            {
                text.AppendLine(Invariant,
                    $"  pgbench did best at {best.Clients} clients here ({best.Tps:F0} tps; at {goal} its {goal} backends share the {machine.Processors} cores and it drops to {pg.Tps:F0}): measured against that best, the turns at {goal} callers reach {turn.TurnsPerSecond / best.Tps:F2} ×{(results.Turn("Postgres", TurnScenario.Distinct, best.Clients) is { } atBest ? string.Format(Invariant, ", and at {0} callers {1:F2} ×", best.Clients, atBest.TurnsPerSecond / best.Tps) : string.Empty)}.");
            }
            text.AppendLine(WhereTheTimeGoes(turn, pg));
        }
        else
        {
            text.AppendLine(Invariant, $"- Throughput: not evaluated (needs pgbench and PostgreSQL turns at {goal}).");
        }

        var effects = results.Turn("Postgres", TurnScenario.Distinct, goal, TurnWork.Effects);
        var effectsRelay = results.Turn("Postgres", TurnScenario.Distinct, goal, TurnWork.Effects, relay: true);
        if (effects is not null || effectsRelay is not null)
        {
            var parts = new List<string>();
            if (effects is not null)
            {
                parts.Add(string.Format(Invariant, "{0:F0} turns/s with the outbox relay off ({1} × the plain counter{2})", effects.TurnsPerSecond, Ratio(effects.TurnsPerSecond, turn?.TurnsPerSecond), pg is null ? string.Empty : string.Format(Invariant, ", {0:F2} × pgbench", effects.TurnsPerSecond / pg.Tps)));
            }

            if (effectsRelay is not null)
            {
                parts.Add(string.Format(Invariant, "{0:F0} turns/s with it on, relaying to the in-memory bus meanwhile ({1} × the plain counter{2}; {3:N0} events not yet relayed when the cell ended)", effectsRelay.TurnsPerSecond, Ratio(effectsRelay.TurnsPerSecond, turn?.TurnsPerSecond), pg is null ? string.Empty : string.Format(Invariant, ", {0:F2} × pgbench", effectsRelay.TurnsPerSecond / pg.Tps), effectsRelay.OutboxRows));
            }

            text.AppendLine(Invariant,
                $"- **A turn that also raises an event and writes a read-model row** (the PostgreSQL write function takes them out of the record and stores them in the same statement), {goal} callers: {string.Join("; ", parts)}. PostgreSQL CPU a turn {PerOp(effects?.Cpu.Postgres ?? double.NaN, effects?.TurnsPerSecond ?? 0)} µs against the counter's {PerOp(turn?.Cpu.Postgres ?? double.NaN, turn?.TurnsPerSecond ?? 0)}.");
        }

        var sqlite = Cells(TurnWork.Counter).Where(t => t.Provider == "Sqlite" && t.Scenario == TurnScenario.Distinct).OrderBy(t => t.Callers).ToList();
        if (sqlite.Count > 0)
        {
            text.AppendLine(Invariant,
                $"- **SQLite** (one writer: every write queues on the node's single-writer gate): {string.Join(", ", sqlite.Select(t => string.Format(Invariant, "{0:F0} turns/s at {1} caller(s) (p99 {2} ms)", t.TurnsPerSecond, t.Callers, Ms(t.Latency.P99))))}.");
        }

        var oneGrain = Cells(TurnWork.Counter).Where(t => t.Scenario != TurnScenario.Distinct).OrderBy(t => t.Provider).ThenBy(t => t.Scenario).ToList();
        if (oneGrain.Count > 0)
        {
            text.AppendLine(Invariant,
                $"- **{options.ContendedCallers} callers on ONE grain** (Orleans runs one turn of a grain at a time, so this is the grain's own write latency in a row): {string.Join("; ", oneGrain.Select(t => string.Format(Invariant, "{0}{1}: {2:F0} turns/s, p99 {3} ms, {4} errors", t.Provider, t.Silos == 2 ? ", callers split over 2 silos of one cluster" : string.Empty, t.TurnsPerSecond, Ms(t.Latency.P99), t.Errors)))}.");
        }

        var counterCells = Cells(TurnWork.Counter).Concat(Cells(TurnWork.Effects)).ToList();
        if (counterCells.Count > 0)
        {
            var inconsistent = counterCells.Where(t => !t.Consistent).ToList();
            text.AppendLine(inconsistent.Count == 0
                ? string.Create(Invariant, $"- **Counters add up:** in every one of the {counterCells.Count} cells the counters read back afterwards equal the turns that reported success (no lost or phantom update){(counterCells.Sum(t => t.Errors) == 0 ? ", and no call failed" : string.Empty)}.")
                : "- **Counters do NOT add up** in: " + string.Join(", ", inconsistent.Select(t => $"{t.Provider} {t.WorkText} {t.ScenarioText} {t.Callers} (stored {t.Stored})")) + ".");
        }

        // Goal 2: reminder lag.
        foreach (var r in results.Reminders)
        {
            var first = r.First;
            static bool Within(ReminderRound round) => round.Spread.Fired == round.Spread.Count && round.Spread.Lag.P99 < LagGoalMs;
            var met = Within(first);
            var verdict = r.Rounds.Count == 1 || r.Rounds.All(Within)
                ? (met ? "met" : "not met")
                : (met ? "met at a random moment, not met around a refresh of the reminder list" : "not met");
            var line = string.Create(Invariant,
                $"- **Reminders on {r.Provider} (p99 lag < 1 s with {r.Registered:N0} registered{(r.Silos > 1 ? string.Format(Invariant, " over {0} silos of one cluster", r.Silos) : string.Empty)}): {verdict}.** {first.Spread.Count:N0} reminders due evenly over {options.ReminderSpreadSeconds:0.#} s, each set through a grain turn shortly before: p50 {Ms(first.Spread.Lag.P50)} ms, p99 {Ms(first.Spread.Lag.P99)} ms, max {Ms(first.Spread.Lag.Max)} ms, {first.Spread.Fired:N0} fired.");
            if (first.Burst is { } burst)
            {
                line += string.Create(Invariant,
                    $" {burst.Count:N0} due at one moment were all fired {Ms(burst.Lag.Max)} ms after it (p50 {Ms(burst.Lag.P50)} ms): about {burst.Fired / Math.Max(burst.Lag.Max / 1000, 0.001):F0} firings/s from a backlog.");
            }

            var bulk = r.Bulk;
            var how = new List<string>();
            if (r.ThroughTurns > 0)
            {
                how.Add(string.Format(Invariant, "{0:N0} through {1:N0} grain turns ({2} a turn, {3} turns at once) in {4:F0} s ({5}/s)", r.ThroughTurns, r.TurnCalls, options.RemindersPerGrain, options.RegisterParallelism, r.TurnSeconds, PerSecond(r.ThroughTurns, r.TurnSeconds)));
            }

            if (r.ThroughTable > 0)
            {
                how.Add(string.Format(Invariant, "{0:N0} straight into the table through Orleans' IReminderTable (UpsertRow, {1} at once, the statement the reminder service runs for a registration) in {2:F0} s ({3}/s)", r.ThroughTable, options.RegisterParallelism, r.TableSeconds, PerSecond(r.ThroughTable, r.TableSeconds)));
            }

            line += string.Create(Invariant, $" The other {bulk:N0}, due a day or two later, were registered first: {string.Join(", then ", how)}.");
            line += string.Create(Invariant,
                $" Orleans keeps only reminders due within its loading window ({Span(r.LoadingWindow)}) in memory, and each silo reads its whole share of the table every {Span(r.RefreshPeriod)} (the largest such sweep here: {r.LargestSweep?.Rows ?? 0:N0} rows in {r.LargestSweep?.Milliseconds ?? double.NaN:N0} ms). The measured reminders are set through grains shortly before they are due, the way the product sets deadlines, so they reach the owning silo's memory at once and wait for no read; ");
            var duringFirst = r.SweepsDuring(first);
            line += duringFirst.Count == 0
                ? "no refresh sweep overlapped this round."
                : string.Create(Invariant, $"{duringFirst.Count} sweep(s) overlapped this round ({Sweeps(duringFirst)}).");
            if (r.Rounds.Skip(1).FirstOrDefault() is { } around)
            {
                var during = r.SweepsDuring(around);
                line += string.Create(Invariant,
                    $" A second round of {around.Spread.Count:N0} was placed so that a silo's next refresh was due a third of the way into its window{(during.Count == 0 ? " (no sweep came while it ran: the prediction missed)" : string.Format(Invariant, " ({0})", Sweeps(during)))}: p50 {Ms(around.Spread.Lag.P50)} ms, p99 {Ms(around.Spread.Lag.P99)} ms, max {Ms(around.Spread.Lag.Max)} ms, {around.Spread.Fired:N0} fired, {around.Spread.OverGoal:N0} of them 1 s or more late{(Within(around) ? ": within the goal too" : ": NOT within the goal")}; the process spent {around.GcPauseMs:F0} ms in GC pauses ({around.Gen2Collections} gen2 collections) while they fired, against {first.GcPauseMs:F0} ms ({first.Gen2Collections}) in the first round.");
                if (!Within(around))
                {
                    line += string.Create(Invariant,
                        $" So with {r.Registered:N0} reminders and Orleans' default options each silo stalls the reminders it owns for a few seconds once every {Span(r.RefreshPeriod)} while it reads and reconciles its share of the table; the reminders due meanwhile fire late, and a 20-second window that contains such a refresh misses the goal.");
                }
            }

            text.AppendLine(line);
        }

        // Goal 3: wallboard (this run's part, if it ran).
        if (results.Wallboard.Count > 0)
        {
            var all = results.Wallboard.SelectMany(r => r.Series).ToList();
            var pooled = Percentiles.FromMilliseconds([.. all.SelectMany(s => s.LatencyMs)]);
            var met = results.Wallboard.All(WallboardReport.Met);
            text.AppendLine(Invariant,
                $"- **Wallboard (p99 change-to-screen < 500 ms with {options.WallboardClients} clients): {(met ? "met" : "not met")}.** Over {results.Wallboard.Count} runs of a fresh gateway process, ticket intakes and presence changes together: p50 {Ms(pooled.P50)} ms, p99 {Ms(pooled.P99)} ms, max {Ms(pooled.Max)} ms; {all.Sum(s => s.Pairs):N0} of {all.Sum(s => s.Expected):N0} (client, change) pairs arrived. Details in the wallboard section below.");
        }
        else
        {
            text.AppendLine("- **Wallboard:** not run this time; see the wallboard section below for its own date and figures.");
        }

        // Goal 4: start-up.
        var starts = results.Startup.Where(s => s.Error is null).ToList();
        if (results.Startup.Count > 0)
        {
            var warm = starts.Where(s => s.Run > 1).Select(s => s.ReadySeconds).ToArray();
            var cold = starts.FirstOrDefault(s => s.Run == 1);
            var warmP = Percentiles.FromMilliseconds([.. warm]);
            var worst = starts.Count == 0 ? double.NaN : starts.Max(s => s.ReadySeconds);
            var met = starts.Count == results.Startup.Count && worst < StartupGoalSeconds;
            text.AppendLine(Invariant,
                $"- **Embedded start-up (process start to /readyz 200 < {StartupGoalSeconds:0} s): {(met ? "met" : "not met")}.** {(cold is null ? "cold run failed" : string.Format(Invariant, "First (cold) run {0:F2} s", cold.ReadySeconds))}; the {warm.Length} runs after it: p50 {warmP.P50:F2} s, max {warmP.Max:F2} s. Each run starts the gateway's build output in an empty directory with its shipped settings (SQLite, in-memory bus, demo data), so each creates and migrates its database and seeds the three demo projects before it is ready; the demo floor (agents, customers, tickets) was seeded {(starts.Where(s => s.FloorSeconds is not null).Select(s => s.FloorSeconds!.Value - s.ReadySeconds).DefaultIfEmpty(double.NaN).Average()):F1} s after ready on average. {(results.Startup.Count - starts.Count > 0 ? $"{results.Startup.Count - starts.Count} run(s) failed." : string.Empty)}");
        }

        var otherMax = results.Turns.Select(t => t.Cpu.Other).Concat(results.Pgbench.Select(p => p.Cpu.Other)).Concat(results.Raw.Select(r => r.Cpu.Other))
            .Where(o => !double.IsNaN(o)).DefaultIfEmpty(double.NaN).Max();
        text.AppendLine(
            string.Create(Invariant, $"- **Caveats:** each cell ran once; on this machine separate runs of the same cell differ by up to about a quarter even with nothing else running (a small virtual machine), so read differences under ~25 % between single cells as noise; the *slowest–fastest second* column shows the swing inside a cell. Other processes used at most {Cores(otherMax)} cores during any throughput measurement of this run (a measurement above {Noise.Limit:0.##} is taken again, the least disturbed kept). Client, silo(s), PostgreSQL and pgbench share {machine.Processors} cores, so every figure includes their competition for CPU. PostgreSQL runs with {machine.PostgreSqlSettings}, so every commit waits for a WAL flush; ") +
            (machine.FsyncMicroseconds < 300
                ? string.Create(Invariant, $"this disk acknowledges one in about {machine.FsyncMicroseconds:F0} µs, so commits are cheap here and the load is CPU-bound: on a disk with millisecond flushes the figures would be lower and bound by the disk.")
                : string.Create(Invariant, $"this disk takes about {machine.FsyncMicroseconds:F0} µs for one.")));
        return text.ToString();
    }

    /// <summary>Where a counter turn's time goes at the goal's callers, from the breakdown cells, statements, JSON and the write function alone.</summary>
    private string WhereTheTimeGoes(TurnResult turn, PgbenchResult pg)
    {
        var text = new StringBuilder();
        text.Append(Invariant,
            $"  Where the time goes at {turn.Callers} callers: a turn cost {PerOp(turn.Cpu.Self, turn.TurnsPerSecond)} µs of CPU in the .NET process (silo and callers) and {PerOp(turn.Cpu.Postgres, turn.TurnsPerSecond)} µs in PostgreSQL ({turn.Cpu.Self:F2} and {turn.Cpu.Postgres:F2} of the {machine.Processors} cores), {PerOp(turn.Cpu.Self + turn.Cpu.Postgres, turn.TurnsPerSecond)} µs in all; a pgbench -N transaction {PerOp(pg.Cpu.Self, pg.Tps)} µs in pgbench and {PerOp(pg.Cpu.Postgres, pg.Tps)} µs in PostgreSQL, {PerOp(pg.Cpu.Self + pg.Cpu.Postgres, pg.Tps)} µs in all. With client and server on the same {machine.Processors} cores, throughput goes roughly as the inverse of that sum.");
        var query = results.Turn("Postgres", TurnScenario.Distinct, turn.Callers, TurnWork.Query);
        var unchanged = results.Turn("Postgres", TurnScenario.Distinct, turn.Callers, TurnWork.Unchanged);
        if (query is not null && unchanged is not null)
        {
            text.Append(Invariant,
                $" Of the .NET share, an Orleans call alone (a query) cost {PerOp(query.Cpu.Self, query.TurnsPerSecond)} µs ({query.TurnsPerSecond:F0} calls/s), a turn that writes nothing {PerOp(unchanged.Cpu.Self, unchanged.TurnsPerSecond)} µs ({unchanged.TurnsPerSecond:F0}/s): the write through the ADO.NET provider and Npgsql adds the rest.");
        }

        if (results.Json is { } json)
        {
            text.Append(Invariant, $" The turn's JSON is {json.TurnMicroseconds:F1} µs of it.");
        }

        if (results.RawAt(turn.Callers, Breakdown.ProviderVariant) is { } provider)
        {
            text.Append(Invariant,
                $" Orleans' ADO.NET storage provider called alone (no grain call, no turn) did {provider.PerSecond:F0} writes/s at {PerOp(provider.Cpu.Self, provider.PerSecond)} µs .NET and {PerOp(provider.Cpu.Postgres, provider.PerSecond)} µs PostgreSQL a write.");
        }

        if (results.RawAt(turn.Callers) is { } raw)
        {
            text.Append(Invariant,
                $" The project's write function called straight through Npgsql (the same statement, connection per write) did {raw.PerSecond:F0} writes/s at {PerOp(raw.Cpu.Self, raw.PerSecond)} µs .NET and {PerOp(raw.Cpu.Postgres, raw.PerSecond)} µs PostgreSQL a write: that is {raw.PerSecond / pg.Tps:F2} × pgbench without Orleans, and the turns kept {turn.TurnsPerSecond / raw.PerSecond:P0} of it.");
        }

        if (results.Statements is { } s)
        {
            text.Append(Invariant,
                $" Per turn Npgsql sent {s.CommandsPerTurn:F2} commands and PostgreSQL committed {s.TransactionsPerTurn:F2} transactions (a pgbench -N transaction is five statements in one): the provider opens a pooled connection for each write, and Npgsql resets a pooled connection with DISCARD ALL before its next use, which also throws away the plans PL/pgSQL cached for the write function.");
        }

        var noReset = results.Turn("Postgres", TurnScenario.Distinct, turn.Callers, variant: BenchOptions.NoResetOnClose);
        var rawNoReset = results.RawAt(turn.Callers, BenchOptions.NoResetOnClose);
        if (noReset is not null || rawNoReset is not null)
        {
            var parts = new List<string>();
            if (noReset is not null)
            {
                parts.Add(string.Format(Invariant, "the turns did {0:F0}/s ({1:F2} × pgbench, {2} µs PostgreSQL CPU a turn)", noReset.TurnsPerSecond, noReset.TurnsPerSecond / pg.Tps, PerOp(noReset.Cpu.Postgres, noReset.TurnsPerSecond)));
            }

            if (rawNoReset is not null)
            {
                parts.Add(string.Format(Invariant, "the write function alone {0:F0}/s ({1:F2} × pgbench, {2} µs PostgreSQL CPU a write)", rawNoReset.PerSecond, rawNoReset.PerSecond / pg.Tps, PerOp(rawNoReset.Cpu.Postgres, rawNoReset.PerSecond)));
            }

            text.Append(Invariant, $" With `{BenchOptions.NoResetOnClose}` added to the connection string (the session is not reset when a connection goes back to the pool; not the shipped setting): {string.Join("; ", parts)}.");
        }

        return text.ToString();
    }

    /// <summary>The whole of docs/benchmarks.md; the wallboard section (new or kept) and the section from before the move to Orleans (kept) go at the end.</summary>
    public string Document(string? wallboardSection, string? beforeSection)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine("Written by `bench/HotlineGrains.Bench` (see `bench/README.md`); do not edit by hand, run it again. The grains run on Microsoft Orleans 10.4.2; the figures measured on the project's own runtime before the move are kept at the end, condensed.");
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
        text.AppendLine("| Orleans | 10.4.2 (Microsoft.Orleans.Server, Persistence.AdoNet, Reminders.AdoNet, Clustering.AdoNet) |");
        text.AppendLine(Invariant, $"| PostgreSQL | {machine.PostgreSql} |");
        text.AppendLine(Invariant, $"| PostgreSQL settings | {machine.PostgreSqlSettings} |");
        text.AppendLine(Invariant, $"| pgbench | {machine.Pgbench} |");
        text.AppendLine(Invariant, $"| SQLite | {machine.Sqlite} (WAL, as the silo opens it) |");
        text.AppendLine(Invariant, $"| Disk | {machine.Disk} |");
        text.AppendLine(Invariant, $"| Source measured | {machine.Source} |");
        text.AppendLine();
        text.AppendLine("Bench, silos, PostgreSQL server and pgbench all run on this one machine over loopback TCP.");
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
        text.AppendLine("- Every measurement gets a fresh database: a throw-away PostgreSQL database created with the admin connection (`HOTLINE_TEST_POSTGRES`) and dropped afterwards, or a temp SQLite file. A silo is the service as `builder.AddHotline()` wires it for the gateway and the headless silo (Orleans 10.4.2; storage provider \"hotline\": the project's SQLite `IGrainStorage`, or Orleans' ADO.NET provider on PostgreSQL with the project's queries and write function from migration 0004; the matching reminder table; localhost clustering on SQLite, ADO.NET clustering on PostgreSQL), with the bench's grains (`BenchGrains.cs`, `HotlineGrain<TState>` like the product's), logging at Warning and the in-memory bus. The outbox relay is off (`Outbox:Enabled=false`) except where a table says it is on. Two silos of one cluster are two hosts in the bench's process on the same database, with ports of their own and the tests' fast failure detection (`TestSilo.Postgres`).");
        text.AppendLine("- Grain turns: each caller loops on a call to an `IBenchCounterGrain` through the silo's `IGrainFactory` for the cell's duration after a warm-up with the same load; `Increment` is a turn that adds one to the counter, so every call is one write of the grain record (state, reminders, handled messages) through the provider. *Grains* \"one each\" gives every caller its own grain, \"ONE\" puts them all on one grain; with 2 silos the callers alternate between the silos, so half of the calls cross to the silo holding the activation. Latency is one call, measured in the caller. Afterwards each counter is read (a query) and the sum must equal the calls that succeeded, warm-up included.");
        text.AppendLine("- pgbench: `pgbench -i` on a throw-away database, then `pgbench -N` (the built-in simple update: BEGIN, UPDATE, SELECT, INSERT, END) with the same client counts and duration, each after a warm-up, interleaved with the PostgreSQL grain cells of the same count. The write function alone: the `WriteToStorageKey` query the provider runs (`select hotline_write_grain(...)`), read from OrleansQuery in a migrated database and sent by as many Npgsql clients, each on its own key, with the payload a counter turn writes, a pooled connection opened and closed per write as the provider does.");
        text.AppendLine("- Where the time goes: the same 64-caller cell with a query (`[AlwaysInterleave]`, no turn) and with a turn that changes nothing (HotlineGrain stores nothing when state and effects are unchanged), beside the counter turn; statements per turn counted from Npgsql's tracing (an `ActivityListener` on the \"Npgsql\" source) and from pg_stat_database's transaction count of the scratch database (read with the pool cleared, so every backend has reported), less the idle silo's own over as long; the JSON of a turn timed on one thread.");
        text.AppendLine(Invariant, $"- Reminders: the bulk, due 1–2 days later, registered first ({options.RemindersPerGrain} per grain, {options.RegisterParallelism} calls at once); then the measured reminders, one per grain on grains of their own, each set through a grain turn (`Turn.SetReminder`: registered with Orleans before the turn's state is stored) starting {options.ReminderLeadSeconds:0.#} s before the first is due: the *spread* set due evenly over the window shown, the *burst* all at one moment after it. Lag = wall-clock time the grain's `ReceiveReminder` first ran − the reminder's due time. The silos' reminder tables are wrapped (unchanged) to time their range reads. On PostgreSQL the silos form one cluster, so each owns about half of the ring and of the reminders.");
        text.AppendLine("- Outbox: a silo with the relay off stores the events (10 per turn); a second silo with the relay on starts on that database, timed from its start until a MassTransit consumer on the in-memory bus has received every event.");
        text.AppendLine("- Start-up: the gateway's build output (`src/Gateway/bin/Release`) started with `dotnet` as its own process (`GatewayProcess`) in an empty temp directory with its shipped settings in the Development environment (as `dotnet run` starts it: demo data on) plus ports of its own; timed from just before the process starts until `/readyz` answers 200, polled every 50 ms. Run 1 is the first start of the run (the build's files are likely in the page cache already; nothing is flushed).");
        text.AppendLine(Invariant, $"- CPU: while each measurement runs, the bench reads /proc for the CPU time of its own process (silos, callers, pgbench once it exits), of the PostgreSQL processes, and of the whole machine; *other processes* is the rest (builds, tests, other people's databases on the same machine). A measurement during which others used more than {Noise.Limit:0.##} cores is taken again (up to {Noise.Retries} more time(s)) and the least disturbed one is kept; before each one the bench waits up to {Noise.QuietWait.TotalSeconds:0} s for the machine to be quiet. µs/turn = CPU time ÷ turns.");
        if (wallboardSection is not null)
        {
            text.AppendLine();
            text.Append(wallboardSection);
        }

        if (beforeSection is not null)
        {
            text.AppendLine();
            text.Append(beforeSection);
        }

        return text.ToString();
    }

    private static string PerOp(double cores, double perSecond) =>
        double.IsNaN(cores) || perSecond <= 0 ? "–" : (cores / perSecond * 1e6).ToString("F0", Invariant);

    private static string Sweeps(IEnumerable<ReadSweep> sweeps) =>
        sweeps.Any()
            ? string.Join(", ", sweeps.Select(w => string.Format(Invariant, "{0}: {1:N0} rows in {2:N0} ms", w.Silo, w.Rows, w.Milliseconds)))
            : "none";

    private static string PerSecond(int count, double seconds) =>
        count == 0 || seconds <= 0 ? "–" : (count / seconds).ToString("F0", Invariant);

    private static string Cores(double cores) =>
        double.IsNaN(cores) ? "–" : cores.ToString("F2", Invariant);

    private static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && y > 0 ? (x / y).ToString("F2", Invariant) : "–";

    private static string Span(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0.#} s";

    private static string Ms(double value) =>
        double.IsNaN(value) ? "–" : value >= 100 ? value.ToString("F0", Invariant) : value.ToString("F2", Invariant);
}
