using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HotlineGrains.Bench;

/// <summary>
/// The wallboard part's section of docs/benchmarks.md, between its own markers, so it can be
/// replaced alone (<c>--only wallboard --write-docs</c>) and survives runs of the other parts.
/// </summary>
internal sealed class WallboardReport(BenchOptions options, Machine machine, IReadOnlyList<WallboardRun> runs, string command, DateTimeOffset startedAt, TimeSpan elapsed)
{
    public const string StartMarker = "<!-- wallboard:start -->";
    public const string EndMarker = "<!-- wallboard:end -->";
    public const double GoalMs = 500;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The section's place in docs/benchmarks.md.</summary>
    public static readonly MarkedSection Place = new(StartMarker, EndMarker);

    /// <summary>Whether the goal holds for a run: every client joined, every change reached every client, p99 under the goal in every series.</summary>
    public static bool Met(WallboardRun run) =>
        run.Joined == run.Clients && run.Series.All(s => s.Complete && s.Latency.P99 < GoalMs);

    public string Section()
    {
        var text = new StringBuilder();
        text.AppendLine(StartMarker);
        text.AppendLine("## Wallboard: change-to-screen latency");
        text.AppendLine();
        text.AppendLine("Written by `bench/HotlineGrains.Bench`, part `wallboard` (see `bench/README.md`): `--only wallboard --write-docs` replaces only this section, and a run without the part keeps it as it is.");
        text.AppendLine();
        text.AppendLine(Invariant, $"- **Date:** {startedAt.ToString("yyyy-MM-dd HH:mm zzz", Invariant)}");
        text.AppendLine(Invariant, $"- **Command:** `{command}` (from the repository root)");
        text.AppendLine(Invariant, $"- **The part took:** {elapsed.TotalMinutes:F1} min");
        text.AppendLine(Invariant, $"- **Machine:** {machine.Processors} processors ({machine.Cpu}), {machine.Memory}, {machine.OperatingSystem}; {machine.Dotnet}; bench {machine.Build}; gateway {GatewayBuild()}");
        text.AppendLine(Invariant, $"- **Source measured:** {machine.Source}");
        text.AppendLine(Invariant, $"- The gateway process and the {options.WallboardClients} clients (all in the bench's process) run on this one machine and talk over loopback.");
        text.AppendLine();
        text.AppendLine("### Goal and reading");
        text.AppendLine();
        text.Append(Reading());
        text.AppendLine();
        text.AppendLine("### Results");
        text.AppendLine();
        text.Append(Tables());
        text.AppendLine("### What the latency includes");
        text.AppendLine();
        text.AppendLine("One node, the embedded default: the gateway co-hosts one Orleans silo on SQLite, with the in-memory bus. From the moment the bench sends the request:");
        text.AppendLine();
        text.AppendLine("1. **API call:** Kestrel, JWT check, rate limiter, request checks; the grain calls through Orleans (for an intake the project grain's ticket number, then the ticket grain); each turn stores its state, its read-model row (ticket register or agents' floor) and its event for the outbox in one SQLite transaction of the silo's grain storage.");
        text.AppendLine("2. **Outbox relay:** after the write the turn wakes the relay on the same node (`OutboxSignal`), which reads the batch and publishes it to the bus at once. `Outbox:PollInterval` (default 250 ms) is only the longest wait for events committed by *another* node, so on one node it is not on this path; the runs with it at its default and lowered show what difference it makes.");
        text.AppendLine("3. **Bus:** MassTransit's in-memory transport hands the event to this node's floor consumer (`BoardChangedConsumer`, a temporary queue per node), which marks the project's board dirty.");
        text.AppendLine("4. **Coalescing:** `WallboardBoards` waits 30 ms (`WallboardBoards.Coalesce`) so that the two or three events of one change make one board.");
        text.AppendLine("5. **Board re-read:** the whole board is read again from storage (project grain settings and floor, ticket register of the last 90 days up to 5,000 rows, agents' floor rows). The board's `generatedAt` is stamped when this read starts: *send → re-read* above is steps 1–4, *re-read → screen* is steps 5–6.");
        text.AppendLine("6. **Fan-out:** one `SendAsync` to the SignalR group of the project (JSON hub protocol, serialised once) writes the board to every connection's WebSocket; the time of a pair is taken when the client has received the whole message, before it parses it.");
        text.AppendLine();
        text.AppendLine("Boards from the 15 s catch-up read (`WallboardBoards.Refresh`) go out too; a change that such a board happens to show first counts from that board.");
        text.AppendLine();
        text.AppendLine("### Method");
        text.AppendLine();
        var first = runs.FirstOrDefault();
        if (first is not null)
        {
            text.AppendLine(Invariant, $"- Gateway: `src/Gateway`'s build output started as its own process (`GatewayProcess`, Kestrel on a free loopback port) in a fresh temp directory with {string.Join(", ", first.Settings.Where(s => s.Key != "Outbox:PollInterval").Select(s => $"`{s.Key}={(s.Key == "Storage:ConnectionString" ? "Data Source=<temp dir>/hotline.db" : s.Value)}`"))}, the shipped logging and everything else at its default; then `Outbox:PollInterval` as in the tables. Every run has a gateway, a database and clients of its own; this run's list was {string.Join(", ", runs.Select(r => r.PollText))}. The demo floor (agents, customers and ten tickets per project) is seeded at start; the bench waits for its \"Demo floor ready\" line. The intake limit is raised only because one agent records every ticket of the run.");
        }

        text.AppendLine(Invariant, $"- Clients: `HubClient` (tests/TestSupport: `Microsoft.AspNetCore.SignalR.Client`'s `HubConnection` over WebSockets, which pings every 15 s by itself as the browser client does) with the `{WallboardBenchmark.Display}` display token, {WallboardBenchmark.ConnectParallelism} connecting at a time; each invokes `Join(\"{WallboardBenchmark.Project}\")` and then reads every `Board` message. Runs before 2026-12-05 used the project's own lean client (see the hub clients section for the two side by side).");
        text.AppendLine(Invariant, $"- Changes: {WallboardBenchmark.WarmupChanges} unmeasured ones of each kind first (they compile the paths), then {options.WallboardChanges} ticket intakes (`POST /api/projects/{WallboardBenchmark.Project}/tickets` as `{WallboardBenchmark.Agent}`, a complaint like the API tests') and {options.WallboardPresenceChanges} presence changes of `{WallboardBenchmark.Agent}` (`PUT /api/agents/{WallboardBenchmark.Agent}/presence` as `{WallboardBenchmark.Supervisor}`, WrapUp and Available in turn), one every {options.WallboardIntervalMs:0} ms on a fixed schedule, one request at a time. After each series the bench waits until every client has the last change (at most 15 s).");
        text.AppendLine("- Latency of a (client, change) pair = the time the client had received the first board showing the change − the time just before the request was sent (one clock: the same process). An intake is shown when its ticket number (from the API's answer) is among the board's open tickets; a presence change when the agent's `since` on the board is the one the API answered (or later: a client that only got the next change's board counts from that one). *Last client* is, per change that reached everyone, the latency of the slowest client; *send → re-read* is, per change, until the `generatedAt` of the first board that showed it; *re-read → screen* is, per pair, from that board's `generatedAt` to its arrival.");
        text.AppendLine(Invariant, $"- CPU and memory: from /proc while the measured changes run: the gateway process (utime + stime), the bench process (the clients), and the rest of the machine (*other processes*). Before the changes the bench waits up to {Noise.QuietWait.TotalSeconds:0} s for other processes to be quiet; a run during which they used more than {Noise.Limit:0.##} cores is measured again, gateway and all (up to {Noise.Retries} more time(s)), and the least disturbed one is kept. Memory is the gateway's VmRSS (after start, with the clients connected, at the end) and VmHWM (peak).");
        text.AppendLine(EndMarker);
        return text.ToString();
    }

    public string Reading()
    {
        var text = new StringBuilder();
        var groups = Groups();
        if (groups.Count == 0)
        {
            text.AppendLine("- No wallboard run completed.");
            return text.ToString();
        }

        // The shipped settings decide the goal; other settings are compared with them.
        var main = groups.Find(g => g.Poll is null) is { Runs: not null } shipped ? shipped : groups[0];
        var pooled = Pool(main.Runs);
        var metRuns = main.Runs.Count(Met);
        var verdict = metRuns == main.Runs.Count ? "met" : metRuns == 0 ? "not met" : $"met in {metRuns} of {main.Runs.Count} runs, not in the others";
        var all = Percentiles.FromMilliseconds([.. pooled.SelectMany(s => s.LatencyMs)]);
        var figures = string.Join("; ", pooled.Select(s => string.Create(Invariant,
            $"{s.Name}s p50 {Ms(s.Latency.P50)} ms, p95 {Ms(s.Latency.P95)} ms, p99 {Ms(s.Latency.P99)} ms, max {Ms(s.Latency.Max)} ms over {s.Pairs:N0} (client, change) pairs, {Reach(s, main.Runs[0].Joined)}; p99 by run {string.Join(" / ", main.Runs.Select(r => Ms(r.Series.First(x => x.Name == s.Name).Latency.P99)))} ms")));
        text.AppendLine(Invariant,
            $"- **Goal (p99 change-to-screen latency < {GoalMs:0} ms with {main.Runs[0].Clients} connected wallboard clients): {verdict}** with `Outbox:PollInterval` {main.Runs[0].PollText}{(main.Poll is null ? ", the shipped settings" : string.Empty)}, {Runs(main.Runs.Count)} of a fresh gateway: {figures}. Over both kinds and {(main.Runs.Count == 1 ? "the run" : "all runs")} together: p50 {Ms(all.P50)} ms, p95 {Ms(all.P95)} ms, p99 {Ms(all.P99)} ms, max {Ms(all.Max)} ms.");
        foreach (var group in groups.Where(g => g != main))
        {
            var other = Pool(group.Runs);
            var otherFigures = string.Join("; ", other.Select(s => string.Create(Invariant,
                $"{s.Name}s p50 {Ms(s.Latency.P50)} ms, p99 {Ms(s.Latency.P99)} ms, max {Ms(s.Latency.Max)} ms, {Reach(s, group.Runs[0].Joined)}")));
            text.AppendLine(Invariant,
                $"- With `Outbox:PollInterval` {group.Runs[0].PollText} ({Runs(group.Runs.Count)}, goal {(group.Runs.All(Met) ? "met" : "not met")}): {otherFigures}. Send → re-read, the part that holds the relay, p50 {string.Join(" / ", other.Select(s => Ms(s.ToBoardRead.P50)))} ms against {string.Join(" / ", pooled.Select(s => Ms(s.ToBoardRead.P50)))} ms at {main.Runs[0].PollText}: on one node a commit wakes the relay at once, so the poll interval is not on the path, and the differences between these settings are in the fan-out and the clients, and noise.");
        }

        foreach (var s in pooled)
        {
            text.AppendLine(Invariant,
                $"- **Where the time goes** ({s.Name}s, {(main.Runs.Count == 1 ? "the run" : "all runs")} above): {Ms(s.ToBoardRead.P50)} ms (p50; p99 {Ms(s.ToBoardRead.P99)} ms) from sending the request to the start of the board re-read that showed it (the API call, p50 {Ms(s.Api.P50)} ms, then relay, bus and the 30 ms coalescing wait), then {Ms(s.ReadToScreen.P50)} ms (p50; p99 {Ms(s.ReadToScreen.P99)} ms) to read the board, serialise it, write it to {main.Runs[0].Joined} WebSockets and have the client receive it. Per change, the first client had it {Ms(s.FirstScreen.P50)} ms after the send (p50 over changes; p99 {Ms(s.FirstScreen.P99)} ms), the last one {Ms(s.LastScreen.P50)} ms (p99 {Ms(s.LastScreen.P99)} ms).");
        }

        var first = main.Runs[0];
        var changes = first.Series.Sum(s => s.Applied);
        text.AppendLine(Invariant,
            $"  The server's own part up to the re-read is small and steady; the spread is in the fan-out and the receiving, which grow with the board: the ticket intakes ran while it grew from {first.OpenTicketsAtJoin} to {first.OpenTicketsAtEnd} open tickets ({first.BoardBytesAtJoin / 1024.0:F1} to {first.BoardBytesAtEnd / 1024.0:F1} kB of JSON), the presence changes with the largest. Each client got {first.BoardsReceived / (double)Math.Max(1, first.Joined):F0} boards in the {first.MeasuredSeconds:F0} s measured (run 1), which held the {changes} changes and a catch-up read every 15 s (a change arriving while the board loop is still busy with the one before shares its board).");
        text.AppendLine(Invariant,
            $"- **Connecting:** {Range(main.Runs, r => r.Joined, "F0")} of {first.Clients} clients connected and joined in {Range(main.Runs, r => r.ConnectSeconds, "F1")} s ({WallboardBenchmark.ConnectParallelism} at a time; one client's connect, handshake and `Join`: p50 {Range(main.Runs, r => r.ConnectLatency.P50, "F0")} ms, p99 {Range(main.Runs, r => r.ConnectLatency.P99, "F0")} ms; the gateway spent {Range(main.Runs, r => r.GatewayCoreSecondsConnecting, "F1")} CPU-seconds on it){(main.Runs.Count > 1 ? ", ranges over the runs" : string.Empty)}.");
        text.AppendLine(Invariant,
            $"- **Gateway process** while the changes ran: {Range(main.Runs, r => r.GatewayCores, "F2")} cores; memory {Range(main.Runs, r => r.GatewayRssStartedMb, "F0")} MB after start, {Range(main.Runs, r => r.GatewayRssConnectedMb, "F0")} MB with {first.Joined} clients, {Range(main.Runs, r => r.GatewayRssEndMb, "F0")} MB at the end (peak {Range(main.Runs, r => r.GatewayPeakRssMb, "F0")} MB), {Range(main.Runs, r => r.GatewayThreads, "F0")} threads. {first.BoardsReceived:N0} boards reached the clients in {first.MeasuredSeconds:F0} s of run 1 (about {first.BoardsReceived * (first.BoardBytesAtJoin + first.BoardBytesAtEnd) / 2.0 / Math.Max(1, first.MeasuredSeconds) / 1048576:F0} MB/s of JSON).");
        var otherMax = runs.Select(r => r.Cpu.Other).Where(o => !double.IsNaN(o)).DefaultIfEmpty(double.NaN).Max();
        var warnings = runs.Any(r => r.GatewayWarnings > 0)
            ? string.Create(Invariant, $" The gateway logged {runs.Sum(r => r.GatewayWarnings)} warning(s), the first: `{runs.First(r => r.FirstGatewayWarning is not null).FirstGatewayWarning}`.")
            : " The gateway logged no warnings.";
        text.AppendLine(Invariant,
            $"- **Caveats:** the {first.Clients} clients are not browsers on other machines but tasks in the bench's process on the same {machine.Processors} cores as the gateway; each of them parses every board, so they used {Range(main.Runs, r => r.Cpu.Self, "F2")} cores while the changes ran (the gateway {Range(main.Runs, r => r.GatewayCores, "F2")}), CPU a real deployment's server would not share, and their receive times include waiting for it: the later clients of a change are largely waiting for the bench's own CPU. The figures are therefore on the pessimistic side for the server, and say nothing about a browser's rendering time. The tail (p99, max) varies from run to run far more than the median, which is why the shipped settings run more than once; other processes used at most {Cores(otherMax)} cores during a measured run.{warnings}");
        return text.ToString();
    }

    public string Tables()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"#### Change to screen ({options.WallboardClients} clients, one change every {options.WallboardIntervalMs:0} ms)");
        text.AppendLine();
        text.AppendLine("| Outbox:PollInterval | run | change | changes applied | pairs received / expected | changes that reached every client | p50 ms | p95 ms | p99 ms | max ms | first client per change p50 / p99 ms | last client per change p50 / p99 ms | send → re-read p50 / p99 ms | re-read → screen p50 / p99 ms | API call p50 / p99 ms | p99 < 500 ms |");
        text.AppendLine("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var group in Groups())
        {
            var rows = group.Runs.Select((r, i) => (Run: (i + 1).ToString(Invariant), r.PollText, r.Series)).ToList();
            if (group.Runs.Count > 1)
            {
                rows.Add(("**all**", group.Runs[0].PollText, Pool(group.Runs)));
            }

            foreach (var (run, poll, series) in rows)
            {
                foreach (var s in series)
                {
                    text.AppendLine(Invariant,
                        $"| {poll} | {run} | {s.Name} | {s.Applied} of {s.Changes} | {s.Pairs:N0} / {s.Expected:N0} | {s.ReachedAll} (fewest clients: {s.MinReached}) | {Ms(s.Latency.P50)} | {Ms(s.Latency.P95)} | {Ms(s.Latency.P99)} | {Ms(s.Latency.Max)} | {Ms(s.FirstScreen.P50)} / {Ms(s.FirstScreen.P99)} | {Ms(s.LastScreen.P50)} / {Ms(s.LastScreen.P99)} | {Ms(s.ToBoardRead.P50)} / {Ms(s.ToBoardRead.P99)} | {Ms(s.ReadToScreen.P50)} / {Ms(s.ReadToScreen.P99)} | {Ms(s.Api.P50)} / {Ms(s.Api.P99)} | {(s.Complete && s.Latency.P99 < GoalMs ? "yes" : "**no**")} |");
                }
            }
        }

        text.AppendLine();
        var refused = runs.SelectMany(r => r.Series.Select(s => (r, s))).Where(x => x.s.FirstError is not null).ToList();
        foreach (var (r, s) in refused)
        {
            text.AppendLine(Invariant, $"- {r.PollText}, {s.Name}: first refused change: `{s.FirstError}`");
        }

        if (refused.Count > 0)
        {
            text.AppendLine();
        }

        text.AppendLine("#### Connections and the gateway process");
        text.AppendLine();
        text.AppendLine("| Outbox:PollInterval | run | clients joined | connect + join, all | one client p50 / p99 ms | open tickets on the board, join → end | board JSON, join → end | boards received | connections lost | gateway CPU, cores | clients (bench) CPU, cores | other processes, cores | gateway RSS after start / connected / end / peak, MB | gateway threads |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var group in Groups())
        {
            foreach (var (r, i) in group.Runs.Select((r, i) => (r, i)))
            {
                text.AppendLine(Invariant,
                    $"| {r.PollText} | {i + 1} | {r.Joined} of {r.Clients} | {r.ConnectSeconds:F1} s | {Ms(r.ConnectLatency.P50)} / {Ms(r.ConnectLatency.P99)} | {r.OpenTicketsAtJoin} → {r.OpenTicketsAtEnd} | {r.BoardBytesAtJoin / 1024.0:F1} → {r.BoardBytesAtEnd / 1024.0:F1} kB | {r.BoardsReceived:N0} | {r.Disconnected} | {Cores(r.GatewayCores)} | {Cores(r.Cpu.Self)} | {Cores(r.Cpu.Other)} | {Mb(r.GatewayRssStartedMb)} / {Mb(r.GatewayRssConnectedMb)} / {Mb(r.GatewayRssEndMb)} / {Mb(r.GatewayPeakRssMb)} | {r.GatewayThreads} |");
            }
        }

        text.AppendLine();
        foreach (var r in runs.Where(r => r.FirstConnectError is not null))
        {
            text.AppendLine(Invariant, $"- {r.PollText}: first client that could not join: `{r.FirstConnectError}`");
        }

        return text.ToString();
    }

    /// <summary>The runs by <c>Outbox:PollInterval</c>, in the order first run.</summary>
    private List<(TimeSpan? Poll, List<WallboardRun> Runs)> Groups() =>
        runs.GroupBy(r => r.PollInterval).Select(g => (g.Key, g.ToList())).ToList();

    /// <summary>Each kind of change over all <paramref name="group"/>'s runs.</summary>
    private static List<WallboardSeries> Pool(List<WallboardRun> group) =>
        group[0].Series.Select(s => WallboardSeries.Pool([.. group.Select(r => r.Series.First(x => x.Name == s.Name))])).ToList();

    private static string Runs(int count) => count == 1 ? "one run" : string.Create(Invariant, $"{count} runs");

    private static string Range(IEnumerable<WallboardRun> group, Func<WallboardRun, double> value, string format)
    {
        var values = group.Select(value).Where(v => !double.IsNaN(v)).ToList();
        if (values.Count == 0)
        {
            return "–";
        }

        var (min, max) = (values.Min().ToString(format, Invariant), values.Max().ToString(format, Invariant));
        return min == max ? min : $"{min}–{max}";
    }

    /// <summary>The gateway's build as GatewayProcess starts it: configuration and garbage collector.</summary>
    private static string GatewayBuild()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = here.Parent?.Name ?? "?";
        try
        {
            var path = Path.Combine(Report.RepositoryRoot(), "src", "Gateway", "bin", configuration, here.Name, "HotlineGrains.Gateway.runtimeconfig.json");
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var server = document.RootElement.TryGetProperty("runtimeOptions", out var runtime)
                && runtime.TryGetProperty("configProperties", out var properties)
                && properties.TryGetProperty("System.GC.Server", out var gc)
                && gc.ValueKind == JsonValueKind.True;
            return $"{configuration} build, {(server ? "server" : "workstation")} GC";
        }
        catch (Exception exception) when (exception is IOException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            return $"{configuration} build";
        }
    }

    private static string Reach(WallboardSeries s, int clients) =>
        s.Complete
            ? string.Create(Invariant, $"every one of the {s.Changes} changes reached all {clients} clients")
            : string.Create(Invariant, $"{s.Applied} of {s.Changes} changes applied, {s.ReachedAll} reached all {clients} clients (fewest: {s.MinReached})");

    private static string Ms(double value) =>
        double.IsNaN(value) ? "–" : value >= 100 ? value.ToString("F0", Invariant) : value.ToString("F1", Invariant);

    private static string Cores(double cores) =>
        double.IsNaN(cores) ? "–" : cores.ToString("F2", Invariant);

    private static string Mb(double mb) =>
        double.IsNaN(mb) ? "–" : mb.ToString("F0", Invariant);
}
