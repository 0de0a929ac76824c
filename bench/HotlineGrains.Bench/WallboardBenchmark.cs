using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HotlineGrains.Silo;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <summary>One kind of change timed from the moment it was sent to every client's screen; figures in milliseconds.</summary>
/// <param name="ApiMs">Send to the HTTP answer, per change.</param>
/// <param name="LatencyMs">Send to a client holding a board that shows the change, for every (client, change) pair.</param>
/// <param name="FirstScreenMs">Per change: send to the first client's board (the server's part, with the least of the clients').</param>
/// <param name="LastScreenMs">Per change reaching every client: send to the last client's board.</param>
/// <param name="ToBoardReadMs">Per change: send to the start of the board re-read that first showed it (the board's <c>generatedAt</c>).</param>
/// <param name="ReadToScreenMs">Every pair: start of that board's re-read to the client holding it.</param>
/// <param name="Pairs">(client, change) pairs in which the client got the change.</param>
/// <param name="ReachedAll">Changes every joined client got.</param>
/// <param name="MinReached">The fewest clients any change reached.</param>
internal sealed record WallboardSeries(
    string Name,
    string Change,
    int Changes,
    int Applied,
    string? FirstError,
    double[] ApiMs,
    double[] LatencyMs,
    double[] FirstScreenMs,
    double[] LastScreenMs,
    double[] ToBoardReadMs,
    double[] ReadToScreenMs,
    long Pairs,
    long Expected,
    int ReachedAll,
    int MinReached)
{
    private Percentiles? api, latency, firstScreen, lastScreen, toBoardRead, readToScreen;

    public Percentiles Api => api ??= Of(ApiMs);

    public Percentiles Latency => latency ??= Of(LatencyMs);

    public Percentiles FirstScreen => firstScreen ??= Of(FirstScreenMs);

    public Percentiles LastScreen => lastScreen ??= Of(LastScreenMs);

    public Percentiles ToBoardRead => toBoardRead ??= Of(ToBoardReadMs);

    public Percentiles ReadToScreen => readToScreen ??= Of(ReadToScreenMs);

    /// <summary>Every change applied reached every client.</summary>
    public bool Complete => Applied == Changes && Pairs == Expected;

    /// <summary>The same kind of change over several runs, as one series.</summary>
    public static WallboardSeries Pool(IReadOnlyList<WallboardSeries> runs) => new(
        runs[0].Name,
        runs[0].Change,
        runs.Sum(r => r.Changes),
        runs.Sum(r => r.Applied),
        runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
        [.. runs.SelectMany(r => r.ApiMs)],
        [.. runs.SelectMany(r => r.LatencyMs)],
        [.. runs.SelectMany(r => r.FirstScreenMs)],
        [.. runs.SelectMany(r => r.LastScreenMs)],
        [.. runs.SelectMany(r => r.ToBoardReadMs)],
        [.. runs.SelectMany(r => r.ReadToScreenMs)],
        runs.Sum(r => r.Pairs),
        runs.Sum(r => r.Expected),
        runs.Sum(r => r.ReachedAll),
        runs.Min(r => r.MinReached));

    /// <summary>Percentiles of a copy: the samples stay as they were for pooling.</summary>
    private static Percentiles Of(double[] samples) => Percentiles.FromMilliseconds([.. samples]);
}

/// <summary>One gateway process, its clients and the changes timed through it.</summary>
/// <param name="PollInterval">The <c>Outbox:PollInterval</c> set; null: the setting left out (the default).</param>
/// <param name="ConnectSeconds">From the first client connecting to the last one joined.</param>
/// <param name="ConnectLatency">Per client: WebSocket connect, SignalR handshake and <c>Join</c>.</param>
/// <param name="Cpu">While the changes ran: <c>Self</c> is this process (the clients), <c>Other</c> everything but it and the gateway.</param>
/// <param name="GatewayCores">The gateway process's CPU while the changes ran, in cores.</param>
internal sealed record WallboardRun(
    TimeSpan? PollInterval,
    IReadOnlyDictionary<string, string?> Settings,
    int Clients,
    int Joined,
    string? FirstConnectError,
    double ConnectSeconds,
    Percentiles ConnectLatency,
    double GatewayCoreSecondsConnecting,
    int BoardBytesAtJoin,
    int BoardBytesAtEnd,
    int OpenTicketsAtJoin,
    int OpenTicketsAtEnd,
    int AgentsOnBoard,
    IReadOnlyList<WallboardSeries> Series,
    long BoardsReceived,
    int Disconnected,
    double MeasuredSeconds,
    CpuUse Cpu,
    double GatewayCores,
    double GatewayRssStartedMb,
    double GatewayRssConnectedMb,
    double GatewayRssEndMb,
    double GatewayPeakRssMb,
    int GatewayThreads,
    int GatewayWarnings,
    string? FirstGatewayWarning)
{
    public string PollText => PollInterval is { } poll
        ? string.Create(CultureInfo.InvariantCulture, $"{poll.TotalMilliseconds:0.#} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{new OutboxOptions().PollInterval.TotalMilliseconds:0.#} ms (default)");
}

/// <summary>
/// Change-to-screen latency on the wallboard hub: the gateway runs as its own process (the
/// embedded default: SQLite, in-memory bus, demo data with the demo floor), the clients connect
/// over WebSocket, each joins one project, and the bench then changes that project through the
/// API: ticket intakes, then presence changes, one every interval. For every (client, change) pair
/// the latency is from the moment the request was sent to the moment the client had received a
/// board showing the change (the new ticket's number; the agent's new time in state).
/// </summary>
internal static class WallboardBenchmark
{
    public const string Project = "weibang-plaza";
    public const string Agent = "agent-gc-1";
    public const string Supervisor = "supervisor-gc";
    public const string Display = "wallboard";
    public const string HubPath = "/hubs/wallboard";

    /// <summary>Changes sent, unmeasured, before each series: the gateway's paths are compiled and warm.</summary>
    public const int WarmupChanges = 5;

    /// <summary>Clients connecting at the same time.</summary>
    public const int ConnectParallelism = 32;

    /// <summary>How long after the last change of a series every client must have it.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(15);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<WallboardRun> RunAsync(BenchOptions options, TimeSpan? pollInterval)
    {
        var directory = Directory.CreateTempSubdirectory("hotline-bench-wallboard-");
        try
        {
            var settings = GatewaySettings(directory);
            if (pollInterval is { } poll)
            {
                settings["Outbox:PollInterval"] = poll.ToString("c", Invariant);
            }

            await using var gateway = GatewayProcess.Start(directory.FullName, settings);
            return await MeasureAsync(options, gateway, pollInterval, settings);
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    /// <summary>The gateway process the wallboard parts measure: the embedded default with the demo floor, and limits no bench load reaches.</summary>
    public static Dictionary<string, string?> GatewaySettings(DirectoryInfo directory) => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:ConnectionString"] = $"Data Source={Path.Combine(directory.FullName, "hotline.db")}",
        ["Bus:Transport"] = "InMemory",
        ["Demo:Enabled"] = "true",
        ["Demo:Floor"] = "true",
        // One agent records every ticket of the run: the per-caller intake limit (60 a minute) would refuse most.
        ["Limits:IntakePerMinute"] = "100000",
        // All the screens join as the one `wallboard` display: its joins per minute would be refused past 600.
        ["Limits:ReadsPerMinute"] = "100000",
    };

    private static async Task<WallboardRun> MeasureAsync(BenchOptions options, GatewayProcess gateway, TimeSpan? pollInterval, Dictionary<string, string?> settings)
    {
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));
        var pid = gateway.ProcessId;
        await WaitForLogAsync(gateway, "Demo floor ready", "Demo floor could not be seeded", TimeSpan.FromSeconds(120));

        using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        var displayToken = await TokenAsync(http, Display);
        var agentToken = await TokenAsync(http, Agent);
        var supervisorToken = await TokenAsync(http, Supervisor);
        var hub = new UriBuilder(gateway.Address) { Scheme = "ws", Path = HubPath }.Uri;

        // The seeded floor's events settle, and the board the clients will get is read once.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssStarted = GatewayMemory(pid).RssMb;

        // Connect and join, ConnectParallelism at a time.
        var watchers = new Watcher?[options.WallboardClients];
        var connectTicks = new long[options.WallboardClients];
        string? firstConnectError = null;
        var gatewayBeforeConnect = ProcessTicks(pid);
        var connectStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.WallboardClients), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (i, token) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var client = await HubClient.ConnectAsync(hub, displayToken, cancellationToken: token);
                var boards = await client.InvokeAsync("Join", Project);
                var watcher = new Watcher(client, recordSize: i == 0);
                foreach (var board in boards.EnumerateArray())
                {
                    watcher.Observe(board, DateTimeOffset.UtcNow);
                }

                connectTicks[i] = Stopwatch.GetTimestamp() - started;
                watchers[i] = watcher;
            }
            catch (Exception exception) when (exception is WebSocketException or HubError or InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Interlocked.CompareExchange(ref firstConnectError, $"{exception.GetType().Name}: {exception.Message}", null);
            }
        });
        var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
        var gatewayConnecting = (ProcessTicks(pid) - gatewayBeforeConnect) / TicksPerSecond;
        var joined = watchers.OfType<Watcher>().ToList();
        if (joined.Count == 0)
        {
            throw new InvalidOperationException("No client could join: " + firstConnectError);
        }

        var boardBytesAtJoin = joined[0].LastBoardBytes;
        var openAtJoin = joined[0].LastOpenTickets;
        var agentsOnBoard = joined[0].LastAgents;
        var initialPresence = joined[0].LastPresence
            ?? throw new InvalidOperationException($"{Agent} is not on the board of {Project}; the demo floor should have put them there.");
        Progress.Say(string.Create(Invariant,
            $"wallboard: {joined.Count}/{options.WallboardClients} clients joined in {connectSeconds:F1} s; board {boardBytesAtJoin / 1024.0:F1} kB, {openAtJoin} open tickets, {agentsOnBoard} agents"));

        using var stop = new CancellationTokenSource();
        var tasks = new List<Task>();
        for (var i = 0; i < joined.Count; i++)
        {
            tasks.Add(joined[i].ReadAsync(stop.Token));
        }

        try
        {
            var rssConnected = GatewayMemory(pid).RssMb;
            var interval = TimeSpan.FromMilliseconds(options.WallboardIntervalMs);
            var intake = new TicketIntakes(http, agentToken);
            var presence = new PresenceChanges(http, supervisorToken, initialPresence);

            // Warm-up: the first intake and presence change of the process compile their paths.
            await RunSeriesAsync(intake, WarmupChanges, interval, joined, measured: false);
            if (options.WallboardPresenceChanges > 0)
            {
                await RunSeriesAsync(presence, WarmupChanges, interval, joined, measured: false);
            }

            await WaitForQuietAsync(pid);
            var cpuStart = Noise.Start();
            var gatewayStart = ProcessTicks(pid);
            var boardsStart = joined.Sum(w => w.Boards);
            var series = new List<WallboardSeries>
            {
                await RunSeriesAsync(intake, options.WallboardChanges, interval, joined, measured: true),
            };
            if (options.WallboardPresenceChanges > 0)
            {
                series.Add(await RunSeriesAsync(presence, options.WallboardPresenceChanges, interval, joined, measured: true));
            }

            var gatewayTicks = ProcessTicks(pid) - gatewayStart;
            var use = await Noise.StopAsync(cpuStart);
            var boards = joined.Sum(w => w.Boards) - boardsStart;
            var gatewayCores = use.Seconds > 0 ? gatewayTicks / TicksPerSecond / use.Seconds : double.NaN;
            var cpu = new CpuUse(use.Seconds, use.Self, double.NaN, OthersThan(use, gatewayCores));
            var memory = GatewayMemory(pid);
            var warnings = gateway.Output.Split('\n').Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
            var connectMs = connectTicks.Where(t => t > 0).Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
            return new WallboardRun(
                pollInterval,
                settings,
                options.WallboardClients,
                joined.Count,
                firstConnectError,
                connectSeconds,
                Percentiles.FromMilliseconds(connectMs),
                gatewayConnecting,
                boardBytesAtJoin,
                joined[0].LastBoardBytes,
                openAtJoin,
                joined[0].LastOpenTickets,
                agentsOnBoard,
                series,
                boards,
                joined.Count(w => w.Closed),
                use.Seconds,
                cpu,
                gatewayCores,
                rssStarted,
                rssConnected,
                memory.RssMb,
                memory.PeakRssMb,
                memory.Threads,
                warnings.Count,
                warnings.FirstOrDefault());
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            await Parallel.ForEachAsync(joined, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (w, _) => await w.Client.DisposeAsync());
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> changes on a fixed schedule (one per interval, or at once
    /// after the previous answer if that took longer), waits until every client has the last one
    /// (or <see cref="Drain"/>), and pairs every change with every client's first board showing it.
    /// </summary>
    private static async Task<WallboardSeries> RunSeriesAsync(IChangeKind kind, int count, TimeSpan interval, IReadOnlyList<Watcher> watchers, bool measured)
    {
        var sent = new List<SentChange>(count);
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var wait = interval * i - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var change = await kind.SendAsync(i);
            sent.Add(change);
            if (change.Key is null)
            {
                firstError ??= change.Error;
            }
        }

        var last = sent.LastOrDefault(c => c.Key is not null);
        if (last is not null)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline && !watchers.All(w => w.Closed || kind.Seen(w, last) is not null))
            {
                await Task.Delay(20);
            }
        }

        // Every client's view has settled: a board already on its way may still land, but it
        // cannot be the first to show a change the client already has.
        var latency = new List<double>();
        var readToScreen = new List<double>();
        var firstScreen = new List<double>();
        var lastScreen = new List<double>();
        var toRead = new List<double>();
        long pairs = 0;
        var reachedAll = 0;
        var minReached = int.MaxValue;
        foreach (var change in sent.Where(c => c.Key is not null))
        {
            var reached = 0;
            var latest = double.MinValue;
            var earliest = double.MaxValue;
            var firstRead = DateTimeOffset.MaxValue;
            foreach (var watcher in watchers)
            {
                if (kind.Seen(watcher, change) is not { } seen)
                {
                    continue;
                }

                reached++;
                var ms = (seen.Received - change.SentAt).TotalMilliseconds;
                latency.Add(ms);
                readToScreen.Add((seen.Received - seen.Generated).TotalMilliseconds);
                latest = Math.Max(latest, ms);
                earliest = Math.Min(earliest, ms);
                firstRead = seen.Generated < firstRead ? seen.Generated : firstRead;
            }

            pairs += reached;
            minReached = Math.Min(minReached, reached);
            if (reached == watchers.Count)
            {
                reachedAll++;
                lastScreen.Add(latest);
            }

            if (reached > 0)
            {
                firstScreen.Add(earliest);
                toRead.Add((firstRead - change.SentAt).TotalMilliseconds);
            }
        }

        var applied = sent.Count(c => c.Key is not null);
        var series = new WallboardSeries(
            kind.Name,
            kind.Change,
            count,
            applied,
            firstError,
            [.. sent.Select(c => c.ApiMs)],
            [.. latency],
            [.. firstScreen],
            [.. lastScreen],
            [.. toRead],
            [.. readToScreen],
            pairs,
            (long)applied * watchers.Count,
            reachedAll,
            minReached == int.MaxValue ? 0 : minReached);
        var error = firstError is null ? string.Empty : "; first error: " + firstError;
        Progress.Say(string.Create(Invariant,
            $"wallboard {(measured ? string.Empty : "warm-up ")}{kind.Name}: {applied}/{count} applied, {reachedAll} reached all {watchers.Count} clients (fewest {series.MinReached}); latency p50 {series.Latency.P50:F0} ms, p95 {series.Latency.P95:F0} ms, p99 {series.Latency.P99:F0} ms, max {series.Latency.Max:F0} ms; send to board read p50 {series.ToBoardRead.P50:F0} ms; API p50 {series.Api.P50:F0} ms{error}"));
        return series;
    }

    /// <summary>Waits (up to the bench's quiet wait) until processes other than this one and the gateway are quiet.</summary>
    private static async Task WaitForQuietAsync(int gatewayPid)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Noise.QuietWait.TotalSeconds * Stopwatch.Frequency);
        var said = false;
        while (true)
        {
            var start = Noise.Start();
            var gateway = ProcessTicks(gatewayPid);
            await Task.Delay(500);
            var gatewayTicks = ProcessTicks(gatewayPid) - gateway;
            var use = await Noise.StopAsync(start);
            var others = use.Seconds > 0 ? OthersThan(use, gatewayTicks / TicksPerSecond / use.Seconds) : double.NaN;
            if (double.IsNaN(others) || others < Noise.Limit || Stopwatch.GetTimestamp() > deadline)
            {
                return;
            }

            if (!said)
            {
                Progress.Say(string.Create(Invariant, $"wallboard: other processes use {others:F2} cores; waiting up to {Noise.QuietWait.TotalSeconds:F0} s for quiet"));
                said = true;
            }
        }
    }

    /// <summary>
    /// Cores used by processes other than this one and the gateway. The monitor counts the gateway
    /// among "other" and PostgreSQL apart; no PostgreSQL serves this part, so its use is others'.
    /// </summary>
    private static double OthersThan(CpuUse use, double gatewayCores) =>
        !use.IsKnown || double.IsNaN(gatewayCores)
            ? double.NaN
            : Math.Max(0, use.Other + (double.IsNaN(use.Postgres) ? 0 : use.Postgres) - gatewayCores);

    internal static async Task<string> TokenAsync(HttpClient http, string user)
    {
        using var response = await http.PostAsync("/demo/tokens", Json(new { user }));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /demo/tokens for {user}: {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("token").GetString()!;
    }

    internal static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    internal static async Task WaitForLogAsync(GatewayProcess gateway, string ready, string failed, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var output = gateway.Output;
            if (output.Contains(ready, StringComparison.Ordinal))
            {
                return;
            }

            if (output.Contains(failed, StringComparison.Ordinal) || gateway.HasExited || watch.Elapsed > deadline)
            {
                throw new InvalidOperationException($"The gateway did not log '{ready}':\n{output}");
            }

            await Task.Delay(100);
        }
    }

    internal const double TicksPerSecond = 100; // USER_HZ

    /// <summary>utime + stime of one process, in clock ticks.</summary>
    internal static long ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], Invariant) + long.Parse(fields[12], Invariant);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    internal static (double RssMb, double PeakRssMb, int Threads) GatewayMemory(int pid)
    {
        double rss = double.NaN, peak = double.NaN;
        var threads = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var parts = line.Split(':', 2);
                if (parts.Length < 2)
                {
                    continue;
                }

                var value = parts[1].Trim().Split(' ')[0];
                switch (parts[0])
                {
                    case "VmRSS": rss = long.Parse(value, Invariant) / 1024.0; break;
                    case "VmHWM": peak = long.Parse(value, Invariant) / 1024.0; break;
                    case "Threads": threads = int.Parse(value, Invariant); break;
                }
            }
        }
        catch (IOException)
        {
            // The process ended.
        }

        return (rss, peak, threads);
    }

    /// <summary>A change as sent: when, what identifies it on a board (null if refused) and how long the API took.</summary>
    private sealed record SentChange(DateTimeOffset SentAt, string? Key, DateTimeOffset? Since, double ApiMs, string? Error);

    /// <summary>When a client had a board, and when that board's re-read started on the server.</summary>
    internal readonly record struct Seen(DateTimeOffset Received, DateTimeOffset Generated);

    private interface IChangeKind
    {
        string Name { get; }

        string Change { get; }

        Task<SentChange> SendAsync(int index);

        Seen? Seen(Watcher watcher, SentChange change);
    }

    /// <summary>A new complaint recorded by the agent: shown once its number is on the board.</summary>
    private sealed class TicketIntakes(HttpClient http, string token) : IChangeKind
    {
        private int sequence;

        public string Name => "ticket intake";

        public string Change => $"`POST /api/projects/{Project}/tickets` as {Agent}; shown when the new ticket's number is among the board's open tickets";

        public async Task<SentChange> SendAsync(int index)
        {
            var n = Interlocked.Increment(ref sequence);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{Project}/tickets")
            {
                Content = Json(SampleIntake.Complaint(Agent, string.Create(Invariant, $"{SampleIntake.Content}(bench {n})"))),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await SendChangeAsync(http, request, HttpStatusCode.Created, body => (body.GetProperty("number").GetString(), null));
        }

        public Seen? Seen(Watcher watcher, SentChange change) =>
            watcher.Tickets.TryGetValue(change.Key!, out var seen) ? seen : null;
    }

    /// <summary>The supervisor sets the agent's presence, back and forth: shown once the board has the agent's new time in state.</summary>
    private sealed class PresenceChanges(HttpClient http, string token, string initial) : IChangeKind
    {
        private static readonly string[] Values = ["WrapUp", "Available"];

        private string current = initial;

        public string Name => "presence change";

        public string Change => $"`PUT /api/agents/{Agent}/presence` as {Supervisor} (WrapUp and Available in turn); shown when the agent's `since` on the board is the one the change set";

        public async Task<SentChange> SendAsync(int index)
        {
            var to = Values[0] == current ? Values[1] : Values[0];
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/agents/{Agent}/presence") { Content = Json(new { presence = to }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var change = await SendChangeAsync(http, request, HttpStatusCode.OK, body => (to, body.GetProperty("since").GetDateTimeOffset()));
            if (change.Key is not null)
            {
                current = to;
            }

            return change;
        }

        /// <summary>The first board with the agent's <c>since</c> at or after the change's (a later change's board shows it too).</summary>
        public Seen? Seen(Watcher watcher, SentChange change) => watcher.PresenceSince(change.Since!.Value);
    }

    private static async Task<SentChange> SendChangeAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected, Func<JsonElement, (string? Key, DateTimeOffset? Since)> identify)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var apiMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != expected)
            {
                return new SentChange(sentAt, null, null, apiMs, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            }

            using var document = JsonDocument.Parse(body);
            var (key, since) = identify(document.RootElement);
            return new SentChange(sentAt, key, since, apiMs, key is null ? "no key in " + body : null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return new SentChange(sentAt, null, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>One connected client and what it saw: each ticket number's first board, and each new time in state of the agent.</summary>
    internal sealed class Watcher(HubClient client, bool recordSize)
    {
        private readonly List<(DateTimeOffset Since, Seen Seen)> presence = [];
        private int boards;

        public HubClient Client => client;

        public ConcurrentDictionary<string, Seen> Tickets { get; } = new(StringComparer.Ordinal);

        public int Boards => Volatile.Read(ref boards);

        public bool Closed { get; private set; }

        public int LastBoardBytes { get; private set; }

        public int LastOpenTickets { get; private set; }

        public int LastAgents { get; private set; }

        public string? LastPresence { get; private set; }

        public void Observe(JsonElement board, DateTimeOffset receivedAt)
        {
            if (board.ValueKind != JsonValueKind.Object || !board.TryGetProperty("projectId", out var project) || !project.ValueEquals(Project))
            {
                return;
            }

            var seen = new Seen(receivedAt, board.GetProperty("generatedAt").GetDateTimeOffset());
            var open = board.GetProperty("openTickets");
            foreach (var ticket in open.EnumerateArray())
            {
                if (ticket.GetProperty("number").GetString() is { } number)
                {
                    Tickets.TryAdd(number, seen);
                }
            }

            var agents = board.GetProperty("agents");
            foreach (var agent in agents.EnumerateArray())
            {
                if (agent.GetProperty("id").ValueEquals(Agent))
                {
                    var since = agent.GetProperty("since").GetDateTimeOffset();
                    lock (presence)
                    {
                        if (presence.Count == 0 || presence[^1].Since != since)
                        {
                            presence.Add((since, seen));
                        }
                    }

                    LastPresence = agent.GetProperty("presence").GetString();
                }
            }

            LastOpenTickets = open.GetArrayLength();
            LastAgents = agents.GetArrayLength();
            if (recordSize)
            {
                LastBoardBytes = Encoding.UTF8.GetByteCount(board.GetRawText());
            }
        }

        /// <summary>
        /// The first board whose agent <c>since</c> is at or after <paramref name="since"/>. Boards
        /// are in the order the server sent them, and each change's since is later than the one
        /// before; a millisecond of slack covers a time stored with less precision than answered.
        /// </summary>
        public Seen? PresenceSince(DateTimeOffset since)
        {
            lock (presence)
            {
                foreach (var (value, seen) in presence)
                {
                    if (value >= since - TimeSpan.FromMilliseconds(1))
                    {
                        return seen;
                    }
                }
            }

            return null;
        }

        public async Task ReadAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (board, at) = await client.NextAsync("Board", timeout: TimeSpan.FromSeconds(2));
                    Observe(board, at);
                    Interlocked.Increment(ref boards);
                }
                catch (OperationCanceledException)
                {
                    // Nothing for a while; look at the stop token again.
                }
                catch (ChannelClosedException)
                {
                    Closed = true;
                    return;
                }
            }
        }
    }
}
