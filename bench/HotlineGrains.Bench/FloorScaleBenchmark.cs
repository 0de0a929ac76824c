using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <summary>Which client holds the floor part's screens.</summary>
internal enum FloorClient
{
    /// <summary><c>LeanHubClient</c>, each message read in place on its read loop.</summary>
    Lean,

    /// <summary><c>Microsoft.AspNetCore.SignalR.Client</c>'s <c>HubConnection</c> (<c>HubClient</c>).</summary>
    Official,
}

/// <summary>What the floor part measured in one run.</summary>
/// <param name="WarmupChanges">Changes sent at the same rate before the timed ones, not timed (the gateways' JIT warm-up).</param>
/// <param name="LatencyMs">For every (screen, change): the change's request sent to the screen holding a board that counts it.</param>
/// <param name="DeltaBytes">Sizes (UTF-8 bytes of the JSON argument) of the delta messages two screens (one per gateway) received while the changes ran.</param>
/// <param name="OneChangeDeltaBytes">Those of them that carried one change (the board counted one more ticket than before it).</param>
/// <param name="Gaps">Deltas a screen got that did not follow the one before (a page would ask for the whole board).</param>
/// <param name="WholeBoards">Whole boards screens got after joining (a node's delta would have carried too much, or it had no board before).</param>
/// <param name="GatewayCores">Each gateway process's CPU while the changes ran, in cores.</param>
/// <param name="RssBeforeMb">Each gateway's resident memory before its screens connected.</param>
/// <param name="RssConnectedMb">Each gateway's resident memory with its screens joined, before the changes.</param>
internal sealed record FloorScaleRun(
    FloorClient Client,
    int Screens,
    int Joined,
    string? FirstConnectError,
    double ConnectSeconds,
    int Rows,
    int Agents,
    int OpenAtStart,
    double SeedSeconds,
    int JoinBoardBytes,
    int WarmupChanges,
    double WarmupSeconds,
    int Changes,
    int Applied,
    string? FirstError,
    double SentSeconds,
    double[] LatencyMs,
    long Pairs,
    long Expected,
    int ReachedAll,
    double[] DeltaBytes,
    double[] OneChangeDeltaBytes,
    long Gaps,
    long WholeBoards,
    int Disconnected,
    double MeasuredSeconds,
    double[] GatewayCores,
    double ClientCores,
    double[] RssBeforeMb,
    double[] RssConnectedMb,
    double[] PeakRssMb,
    int GatewayWarnings,
    string? FirstGatewayWarning)
{
    public Percentiles Latency { get; } = Percentiles.FromMilliseconds([.. LatencyMs]);

    public Percentiles Bytes { get; } = Percentiles.FromMilliseconds([.. DeltaBytes]);

    public Percentiles OneChangeBytes { get; } = Percentiles.FromMilliseconds([.. OneChangeDeltaBytes]);

    public bool Complete => Applied == Changes && Pairs == Expected;
}

/// <summary>
/// The live floor at a large operator's scale (issue 13): two gateway processes, each a silo of one
/// cluster on PostgreSQL with RabbitMQ, a project board with many open tickets, thousands of screens
/// split over the two that joined live (<c>JoinLive</c> with the rows a wall display shows), and
/// ticket intakes at a steady rate through both. Each change is timed from its request to every
/// screen holding a board that counts it; the deltas' sizes, the gateways' CPU and memory are taken.
/// </summary>
internal static class FloorScaleBenchmark
{
    public const string Project = WallboardBenchmark.Project;

    private const string SigningKey = "floor-benchmark-shared-signing-key-0123456789";

    private const int ConnectParallelism = 32;

    private const int SeedParallelism = 16;

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<FloorScaleRun> RunAsync(BenchOptions options)
    {
        if (Environment.GetEnvironmentVariable(TestServices.PostgresVariable) is not { Length: > 0 }
            || Environment.GetEnvironmentVariable(TestServices.RabbitMqVariable) is not { Length: > 0 })
        {
            throw new InvalidOperationException(
                $"The floor part needs PostgreSQL and RabbitMQ: start them with scripts/services.sh start and eval \"$(scripts/services.sh env)\" ({TestServices.PostgresVariable}, {TestServices.RabbitMqVariable}).");
        }

        await using var database = await PostgresDatabase.CreateAsync();
        await using var broker = await RabbitMqVirtualHost.CreateAsync();
        var directories = new[] { Directory.CreateTempSubdirectory("hotline-bench-floor-a-"), Directory.CreateTempSubdirectory("hotline-bench-floor-b-") };
        var gateways = new List<GatewayProcess>();
        try
        {
            foreach (var directory in directories)
            {
                var gateway = GatewayProcess.Start(directory.FullName, Settings(database, broker.Uri));
                gateways.Add(gateway);
                await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
            }

            return await MeasureAsync(options, gateways);
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }

            foreach (var directory in directories)
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
    }

    /// <summary>Production storage, clustering and bus, Orleans' own failure detection (not the tests' quick one: the machine is loaded on purpose), demo tokens, and limits no bench load reaches.</summary>
    private static Dictionary<string, string?> Settings(PostgresDatabase database, Uri broker)
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Orleans:Membership:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        settings["Bus:Transport"] = "RabbitMq";
        settings["Bus:RabbitMqUri"] = broker.ToString();
        settings["Demo:Enabled"] = "true";
        settings["Demo:Floor"] = "false";
        settings["Demo:CallSimulator"] = "false";
        settings["Auth:SigningKey"] = SigningKey;
        settings["Limits:IntakePerMinute"] = "100000";
        settings["Limits:ReadsPerMinute"] = "1000000";
        return TestSilo.WithOwnPorts(settings);
    }

    private static async Task<FloorScaleRun> MeasureAsync(BenchOptions options, IReadOnlyList<GatewayProcess> gateways)
    {
        var http = gateways.Select(g => new HttpClient { BaseAddress = g.Address, Timeout = TimeSpan.FromSeconds(60) }).ToList();
        try
        {
            var display = await WallboardBenchmark.TokenAsync(http[0], WallboardBenchmark.Display);
            var agent = await WallboardBenchmark.TokenAsync(http[0], WallboardBenchmark.Agent);

            // The floor's agents: tickets are received by each in turn, as on a real floor. (One agent
            // receiving them all would measure that agent's list of open tickets, which it keeps in its state.)
            var admin = await WallboardBenchmark.TokenAsync(http[0], "admin");
            await Parallel.ForEachAsync(Enumerable.Range(0, options.FloorAgents), new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism }, async (i, _) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/agents/{AgentId(i)}")
                {
                    Content = WallboardBenchmark.Json(new { workNumber = string.Create(Invariant, $"F{i:000}"), name = string.Create(Invariant, $"坐席{i}"), projects = new[] { Project }, departments = Array.Empty<string>() }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                using var response = await http[0].SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Registering {AgentId(i)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            });

            // The open tickets, through both gateways.
            var seedStarted = Stopwatch.GetTimestamp();
            var seeded = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, options.FloorOpenTickets), new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism }, async (i, _) =>
            {
                var answer = await IntakeAsync(http[i % http.Count], agent, AgentId(i % options.FloorAgents), i);
                if (answer.Error is not null)
                {
                    throw new InvalidOperationException("Seeding the open tickets: " + answer.Error);
                }

                if (Interlocked.Increment(ref seeded) % 2000 == 0)
                {
                    Progress.Say(string.Create(Invariant, $"floor: {seeded:N0}/{options.FloorOpenTickets:N0} open tickets recorded"));
                }
            });
            var seedSeconds = Stopwatch.GetElapsedTime(seedStarted).TotalSeconds;

            // Until the board counts them all (its grain hears of each ticket by a stored message).
            await using (var probe = await HubClient.ConnectAsync(gateways[0].HubUrl, display))
            {
                var deadline = Stopwatch.GetTimestamp() + (long)(300 * Stopwatch.Frequency);
                while (OpenOf((await probe.InvokeAsync("JoinLive", Project, options.FloorRows))[0]) < options.FloorOpenTickets)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new InvalidOperationException("The board did not count every seeded ticket within 5 minutes.");
                    }

                    await Task.Delay(500);
                }
            }

            var rssBefore = gateways.Select(g => WallboardBenchmark.GatewayMemory(g.ProcessId).RssMb).ToArray();

            // Screens, half on each gateway.
            var screens = new Screen?[options.FloorScreens];
            string? firstConnectError = null;
            var connectStarted = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, options.FloorScreens), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (i, token) =>
            {
                try
                {
                    screens[i] = await Screen.JoinAsync(options.FloorClient, gateways[i % gateways.Count].HubUrl, display, options.FloorRows, recordSizes: i < gateways.Count, token);
                }
                catch (Exception exception) when (exception is WebSocketException or HubError or InvalidOperationException or TimeoutException or HttpRequestException or IOException or OperationCanceledException)
                {
                    Interlocked.CompareExchange(ref firstConnectError, $"{exception.GetType().Name}: {exception.Message}", null);
                }
            });
            var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;
            var joined = screens.OfType<Screen>().ToList();
            if (joined.Count == 0)
            {
                throw new InvalidOperationException("No screen could join: " + firstConnectError);
            }

            var baseOpen = joined.Min(s => s.OpenAtJoin);
            Progress.Say(string.Create(Invariant,
                $"floor: {joined.Count:N0}/{options.FloorScreens:N0} screens joined in {connectSeconds:F1} s; {baseOpen:N0} open tickets; the board a screen joined with {joined[0].JoinBytes / 1024.0:F1} kB"));
            var rssConnected = gateways.Select(g => WallboardBenchmark.GatewayMemory(g.ProcessId).RssMb).ToArray();

            using var stop = new CancellationTokenSource();
            var readers = joined.Select(s => s.ReadAsync(stop.Token)).ToList();
            var keepAlive = KeepAliveAsync(joined, stop.Token);
            try
            {
                var interval = TimeSpan.FromSeconds(1 / options.FloorChangesPerSecond);

                // The warm-up: the same changes at the same rate, seen by every screen, not timed.
                var warmup = (int)Math.Round(options.FloorChangesPerSecond * options.FloorWarmupSeconds);
                var timedFrom = baseOpen;
                if (warmup > 0)
                {
                    var warmed = await SendSteadyAsync(http, agent, options, options.FloorOpenTickets, warmup, interval);
                    timedFrom += warmed.Count(s => s.Error is null);
                    await UntilEveryScreenCountsAsync(joined, timedFrom);
                    Progress.Say(string.Create(Invariant, $"floor: warmed up with {warmup:N0} changes in {options.FloorWarmupSeconds:F0} s; {joined.Count(s => s.Open >= timedFrom):N0} screens count them all"));
                }

                var changes = (int)Math.Round(options.FloorChangesPerSecond * options.FloorSeconds);
                var gatewayStart = gateways.Select(g => WallboardBenchmark.ProcessTicks(g.ProcessId)).ToArray();
                var clientStart = Process.GetCurrentProcess().TotalProcessorTime;
                var measureStarted = Stopwatch.GetTimestamp();
                var sent = await SendSteadyAsync(http, agent, options, options.FloorOpenTickets + warmup, changes, interval);
                var sentSeconds = Stopwatch.GetElapsedTime(measureStarted).TotalSeconds;
                var applied = sent.Count(s => s.Error is null);
                await UntilEveryScreenCountsAsync(joined, timedFrom + applied);

                var measuredSeconds = Stopwatch.GetElapsedTime(measureStarted).TotalSeconds;
                var gatewayCores = gateways.Select((g, i) => (WallboardBenchmark.ProcessTicks(g.ProcessId) - gatewayStart[i]) / WallboardBenchmark.TicksPerSecond / measuredSeconds).ToArray();
                var clientCores = (Process.GetCurrentProcess().TotalProcessorTime - clientStart).TotalSeconds / measuredSeconds;

                // What the screens saw is read once they stopped reading.
                await stop.CancelAsync();
                await Task.WhenAll(readers);

                // The n-th timed ticket is on the board once it counts timedFrom + n: timed from the n-th request sent.
                var sentAt = sent.Where(s => s.Error is null).Select(s => s.SentAt).Order().ToArray();
                var latency = new List<double>(applied * joined.Count);
                var reachedAll = 0;
                for (var n = 1; n <= applied; n++)
                {
                    var reached = 0;
                    foreach (var screen in joined)
                    {
                        if (screen.ReachedAt(timedFrom + n) is { } at)
                        {
                            latency.Add((at - sentAt[n - 1]) * 1000.0 / Stopwatch.Frequency);
                            reached++;
                        }
                    }

                    reachedAll += reached == joined.Count ? 1 : 0;
                }

                var warnings = gateways.SelectMany(g => g.Output.Split('\n'))
                    .Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal))
                    .ToList();
                var run = new FloorScaleRun(
                    options.FloorClient, options.FloorScreens, joined.Count, firstConnectError, connectSeconds, options.FloorRows, options.FloorAgents, baseOpen, seedSeconds, joined[0].JoinBytes,
                    warmup, options.FloorWarmupSeconds, changes, applied, sent.Select(s => s.Error).FirstOrDefault(e => e is not null), sentSeconds,
                    [.. latency], latency.Count, (long)applied * joined.Count, reachedAll,
                    [.. joined.Where(s => s.RecordsSizes).SelectMany(s => s.DeltaSizes).Select(d => d.Bytes)],
                    [.. joined.Where(s => s.RecordsSizes).SelectMany(s => s.DeltaSizes).Where(d => d.Changes == 1).Select(d => d.Bytes)],
                    joined.Sum(s => s.Gaps), joined.Sum(s => s.WholeBoards), joined.Count(s => s.Closed),
                    measuredSeconds, gatewayCores, clientCores, rssBefore, rssConnected,
                    [.. gateways.Select(g => WallboardBenchmark.GatewayMemory(g.ProcessId).PeakRssMb)], warnings.Count, warnings.FirstOrDefault());
                Progress.Say(string.Create(Invariant,
                    $"floor ({options.FloorClient.ToString().ToLowerInvariant()} client): {applied}/{changes} changes in {sentSeconds:F1} s; {reachedAll} reached all {joined.Count:N0} screens; change to screen p50 {run.Latency.P50:F0} ms, p99 {run.Latency.P99:F0} ms, max {run.Latency.Max:F0} ms; delta p50 {run.Bytes.P50:F0} B, max {run.Bytes.Max:F0} B (one change: max {run.OneChangeBytes.Max:F0} B); gateways {string.Join(" + ", gatewayCores.Select(c => c.ToString("F2", Invariant)))} cores, screens here {clientCores:F2}"));
                return run;
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(readers);
                await keepAlive;
                await Parallel.ForEachAsync(joined, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.DisposeAsync());
            }
        }
        finally
        {
            http.ForEach(h => h.Dispose());
        }
    }

    private sealed record Sent(long SentAt, string? Error);

    /// <summary>Pings every screen that must say it is alive, every <see cref="HubClientsBenchmark.KeepAlive"/>, until <paramref name="stop"/>.</summary>
    private static async Task KeepAliveAsync(IReadOnlyList<Screen> screens, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(HubClientsBenchmark.KeepAlive);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await Parallel.ForEachAsync(screens, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = stop }, async (s, _) =>
                {
                    try
                    {
                        await s.PingAsync();
                    }
                    catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // A screen that closed is counted as dropped.
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// <paramref name="count"/> intakes at a steady rate, alternately through each gateway, the
    /// <paramref name="first"/>-th ticket of the run first: each leaves at its time whether or not
    /// the one before was answered.
    /// </summary>
    private static async Task<Sent[]> SendSteadyAsync(IReadOnlyList<HttpClient> http, string agent, BenchOptions options, int first, int count, TimeSpan interval)
    {
        var started = Stopwatch.GetTimestamp();
        var sends = new Task<Sent>[count];
        for (var k = 0; k < count; k++)
        {
            var wait = interval * k - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sends[k] = IntakeAsync(http[k % http.Count], agent, AgentId((first + k) % options.FloorAgents), first + k);
        }

        return await Task.WhenAll(sends);
    }

    /// <summary>Until every screen still connected counts <paramref name="open"/> open tickets, or <see cref="Drain"/> passed.</summary>
    private static async Task UntilEveryScreenCountsAsync(IReadOnlyList<Screen> screens, int open)
    {
        var until = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !screens.All(s => s.Closed || s.Open >= open))
        {
            await Task.Delay(50);
        }
    }

    private static string AgentId(int i) => string.Create(Invariant, $"agent-floor-{i:000}");

    /// <summary>A complaint recorded by the desk agent as received by <paramref name="receivingAgent"/>.</summary>
    private static async Task<Sent> IntakeAsync(HttpClient http, string token, string receivingAgent, int n)
    {
        var sentAt = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{Project}/tickets")
        {
            Content = WallboardBenchmark.Json(SampleIntake.Complaint(receivingAgent, string.Create(Invariant, $"{SampleIntake.Content}(floor {n})"))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Created
                ? new Sent(sentAt, null)
                : new Sent(sentAt, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Sent(sentAt, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>The open tickets a board or a delta counts.</summary>
    private static int OpenOf(JsonElement message) =>
        message.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Object ? counts.GetProperty("open").GetInt32() : -1;

    /// <summary>
    /// One screen: the board it joined with, then each message, keeping when it first counted each
    /// number of open tickets. Held by the official client (its messages parsed into JSON elements
    /// and read off a queue), or by the lean one, whose read loop hands each record over as sent to
    /// be read in place.
    /// </summary>
    private sealed class Screen : IAsyncDisposable
    {
        private readonly List<long> reachedAt = [];
        private readonly List<(double Bytes, int Changes)> deltaSizes = [];
        private HubClient? official;
        private LeanHubClient? lean;
        private long sequence;
        private volatile bool joined;

        private Screen(bool recordSizes) => RecordsSizes = recordSizes;

        public bool RecordsSizes { get; }

        public int JoinBytes { get; private set; }

        public int OpenAtJoin { get; private set; }

        /// <summary>The open tickets of the last board or delta.</summary>
        public int Open { get; private set; }

        public bool Closed { get; private set; }

        public long Gaps { get; private set; }

        public long WholeBoards { get; private set; }

        /// <summary>Each delta's size and how many more tickets it counted than the message before it (the changes it carried).</summary>
        public IReadOnlyList<(double Bytes, int Changes)> DeltaSizes => deltaSizes;

        public static async Task<Screen> JoinAsync(FloorClient kind, Uri hub, string token, int rows, bool recordSizes, CancellationToken cancellationToken)
        {
            var screen = new Screen(recordSizes);
            JsonElement boards;
            if (kind == FloorClient.Official)
            {
                screen.official = await HubClient.ConnectAsync(hub, token, cancellationToken: cancellationToken);
                boards = await screen.official.InvokeAsync("JoinLive", Project, rows);
            }
            else
            {
                screen.lean = await LeanHubClient.ConnectAsync(new UriBuilder(hub) { Scheme = "ws" }.Uri, token, screen.OnRecord, cancellationToken);
                boards = await screen.lean.InvokeAsync("JoinLive", Project, rows);
            }

            var board = boards[0];
            screen.JoinBytes = Encoding.UTF8.GetByteCount(board.GetRawText());
            screen.OpenAtJoin = screen.Open = OpenOf(board);
            screen.sequence = board.GetProperty("sequence").GetInt64();
            screen.joined = true;
            return screen;
        }

        /// <summary>The server closes a connection that sent nothing for 30 s: the lean client says it is alive (the official one does by itself).</summary>
        public Task PingAsync() => lean?.PingAsync() ?? Task.CompletedTask;

        /// <summary>When the screen first held a board counting <paramref name="open"/> open tickets (Stopwatch ticks); null if it never did.</summary>
        public long? ReachedAt(int open)
        {
            var index = open - OpenAtJoin - 1;
            return index >= 0 && index < reachedAt.Count ? reachedAt[index] : null;
        }

        /// <summary>Reads the official client's messages until <paramref name="stop"/>; the lean client's are taken as they come.</summary>
        public async Task ReadAsync(CancellationToken stop)
        {
            try
            {
                if (lean is not null)
                {
                    await lean.Closed.WaitAsync(stop);
                    Closed = true;
                    return;
                }

                while (true)
                {
                    var (target, message, _) = await official!.NextAnyAsync(stop);
                    var at = Stopwatch.GetTimestamp();
                    Take(
                        target == "BoardDelta", message.TryGetProperty("fromSequence", out var from) ? from.GetInt64() : -1, message.GetProperty("sequence").GetInt64(),
                        OpenOf(message), RecordsSizes ? Encoding.UTF8.GetByteCount(message.GetRawText()) : 0, at);
                }
            }
            catch (OperationCanceledException)
            {
                // The run is over.
            }
            catch (ChannelClosedException)
            {
                Closed = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (official is not null)
            {
                await official.DisposeAsync();
            }

            if (lean is not null)
            {
                await lean.DisposeAsync();
            }
        }

        private void Take(bool delta, long fromSequence, long sequence, int open, int bytes, long at)
        {
            if (delta)
            {
                Gaps += fromSequence == this.sequence ? 0 : 1;
                if (RecordsSizes)
                {
                    deltaSizes.Add((bytes, open - Open));
                }
            }
            else
            {
                WholeBoards++;
            }

            this.sequence = sequence;
            while (Open < open)
            {
                Open++;
                if (Open > OpenAtJoin)
                {
                    reachedAt.Add(at);
                }
            }
        }

        /// <summary>
        /// A record of the lean client's: a <c>Board</c> or <c>BoardDelta</c> read in place for its
        /// sequence numbers and open count, and its argument's size; anything else left to the client.
        /// </summary>
        private bool OnRecord(ReadOnlySpan<byte> record, long receivedAt)
        {
            var reader = new Utf8JsonReader(record);
            bool? delta = null;
            long from = -1, sequence = -1;
            int open = -1, bytes = 0;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("target"u8))
                {
                    reader.Read();
                    delta = reader.ValueTextEquals("BoardDelta"u8) ? true : reader.ValueTextEquals("Board"u8) ? false : null;
                }
                else if (reader.ValueTextEquals("arguments"u8) && reader.Read() && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = reader.TokenStartIndex;
                    ReadBoard(ref reader, ref from, ref sequence, ref open);
                    bytes = (int)(reader.BytesConsumed - start);
                    reader.Read();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (delta is not { } isDelta)
            {
                return false;
            }

            // Before the join's answer the screen has no board to change; nothing is sent to it then.
            if (joined)
            {
                Take(isDelta, from, sequence, open, bytes, receivedAt);
            }

            return true;
        }

        /// <summary>A board's or delta's object, from its start to its end: its sequence numbers and the open tickets it counts.</summary>
        private static void ReadBoard(ref Utf8JsonReader reader, ref long from, ref long sequence, ref int open)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("sequence"u8) && reader.Read())
                {
                    sequence = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("fromSequence"u8) && reader.Read())
                {
                    from = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("counts"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("open"u8) && reader.Read())
                        {
                            open = reader.GetInt32();
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }
}
