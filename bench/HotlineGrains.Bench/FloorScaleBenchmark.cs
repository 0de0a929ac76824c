using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <summary>What the floor part measured in one run.</summary>
/// <param name="LatencyMs">For every (screen, change): the change's request sent to the screen holding a board that counts it.</param>
/// <param name="DeltaBytes">Sizes of the delta messages two screens (one per gateway) received while the changes ran.</param>
/// <param name="Gaps">Deltas a screen got that did not follow the one before (a page would ask for the whole board).</param>
/// <param name="WholeBoards">Whole boards screens got after joining (a node's delta would have carried too much, or it had no board before).</param>
/// <param name="GatewayCores">Each gateway process's CPU while the changes ran, in cores.</param>
/// <param name="RssBeforeMb">Each gateway's resident memory before its screens connected.</param>
/// <param name="RssConnectedMb">Each gateway's resident memory with its screens joined, before the changes.</param>
internal sealed record FloorScaleRun(
    int Screens,
    int Joined,
    string? FirstConnectError,
    double ConnectSeconds,
    int Rows,
    int Agents,
    int OpenAtStart,
    double SeedSeconds,
    int JoinBoardBytes,
    int Changes,
    int Applied,
    string? FirstError,
    double SentSeconds,
    double[] LatencyMs,
    long Pairs,
    long Expected,
    int ReachedAll,
    double[] DeltaBytes,
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
                    var client = await HubClient.ConnectAsync(gateways[i % gateways.Count].HubUrl, display, cancellationToken: token);
                    var boards = await client.InvokeAsync("JoinLive", Project, options.FloorRows);
                    screens[i] = new Screen(client, boards[0], recordSizes: i < gateways.Count);
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
            try
            {
                var changes = (int)Math.Round(options.FloorChangesPerSecond * options.FloorSeconds);
                var interval = TimeSpan.FromSeconds(1 / options.FloorChangesPerSecond);
                var gatewayStart = gateways.Select(g => WallboardBenchmark.ProcessTicks(g.ProcessId)).ToArray();
                var clientStart = Process.GetCurrentProcess().TotalProcessorTime;
                var measureStarted = Stopwatch.GetTimestamp();

                // A steady rate: each change leaves at its time whether or not the one before was answered.
                var sends = new Task<Sent>[changes];
                for (var k = 0; k < changes; k++)
                {
                    var wait = interval * k - Stopwatch.GetElapsedTime(measureStarted);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }

                    sends[k] = IntakeAsync(http[k % http.Count], agent, AgentId((options.FloorOpenTickets + k) % options.FloorAgents), options.FloorOpenTickets + k);
                }

                var sent = await Task.WhenAll(sends);
                var sentSeconds = Stopwatch.GetElapsedTime(measureStarted).TotalSeconds;
                var applied = sent.Count(s => s.Error is null);
                var target = baseOpen + applied;
                var drainUntil = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < drainUntil && !joined.All(s => s.Closed || s.Open >= target))
                {
                    await Task.Delay(50);
                }

                var measuredSeconds = Stopwatch.GetElapsedTime(measureStarted).TotalSeconds;
                var gatewayCores = gateways.Select((g, i) => (WallboardBenchmark.ProcessTicks(g.ProcessId) - gatewayStart[i]) / WallboardBenchmark.TicksPerSecond / measuredSeconds).ToArray();
                var clientCores = (Process.GetCurrentProcess().TotalProcessorTime - clientStart).TotalSeconds / measuredSeconds;

                // What the screens saw is read once they stopped reading.
                await stop.CancelAsync();
                await Task.WhenAll(readers);

                // The n-th ticket of the run is on the board once it counts baseOpen + n: timed from the n-th request sent.
                var sentAt = sent.Where(s => s.Error is null).Select(s => s.SentAt).Order().ToArray();
                var latency = new List<double>(applied * joined.Count);
                var reachedAll = 0;
                for (var n = 1; n <= applied; n++)
                {
                    var reached = 0;
                    foreach (var screen in joined)
                    {
                        if (screen.ReachedAt(baseOpen + n) is { } at)
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
                    options.FloorScreens, joined.Count, firstConnectError, connectSeconds, options.FloorRows, options.FloorAgents, baseOpen, seedSeconds, joined[0].JoinBytes,
                    changes, applied, sent.Select(s => s.Error).FirstOrDefault(e => e is not null), sentSeconds,
                    [.. latency], latency.Count, (long)applied * joined.Count, reachedAll,
                    [.. joined.Where(s => s.RecordsSizes).SelectMany(s => s.DeltaSizes)],
                    joined.Sum(s => s.Gaps), joined.Sum(s => s.WholeBoards), joined.Count(s => s.Closed),
                    measuredSeconds, gatewayCores, clientCores, rssBefore, rssConnected,
                    [.. gateways.Select(g => WallboardBenchmark.GatewayMemory(g.ProcessId).PeakRssMb)], warnings.Count, warnings.FirstOrDefault());
                Progress.Say(string.Create(Invariant,
                    $"floor: {applied}/{changes} changes in {sentSeconds:F1} s; {reachedAll} reached all {joined.Count:N0} screens; change to screen p50 {run.Latency.P50:F0} ms, p99 {run.Latency.P99:F0} ms, max {run.Latency.Max:F0} ms; delta p50 {run.Bytes.P50:F0} B, max {run.Bytes.Max:F0} B; gateways {string.Join(" + ", gatewayCores.Select(c => c.ToString("F2", Invariant)))} cores, screens here {clientCores:F2}"));
                return run;
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(readers);
                await Parallel.ForEachAsync(joined, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (s, _) => await s.Client.DisposeAsync());
            }
        }
        finally
        {
            http.ForEach(h => h.Dispose());
        }
    }

    private sealed record Sent(long SentAt, string? Error);

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

    /// <summary>One screen: the board it joined with, then each message, keeping when it first counted each number of open tickets.</summary>
    private sealed class Screen
    {
        private readonly List<long> reachedAt = [];
        private readonly List<double> deltaSizes = [];
        private long sequence;

        public Screen(HubClient client, JsonElement joinedWith, bool recordSizes)
        {
            Client = client;
            RecordsSizes = recordSizes;
            JoinBytes = joinedWith.GetRawText().Length;
            OpenAtJoin = Open = OpenOf(joinedWith);
            sequence = joinedWith.GetProperty("sequence").GetInt64();
        }

        public HubClient Client { get; }

        public bool RecordsSizes { get; }

        public int JoinBytes { get; }

        public int OpenAtJoin { get; }

        /// <summary>The open tickets of the last board or delta.</summary>
        public int Open { get; private set; }

        public bool Closed { get; private set; }

        public long Gaps { get; private set; }

        public long WholeBoards { get; private set; }

        public IReadOnlyList<double> DeltaSizes => deltaSizes;

        /// <summary>When the screen first held a board counting <paramref name="open"/> open tickets (Stopwatch ticks); null if it never did.</summary>
        public long? ReachedAt(int open)
        {
            var index = open - OpenAtJoin - 1;
            return index >= 0 && index < reachedAt.Count ? reachedAt[index] : null;
        }

        public async Task ReadAsync(CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    var (target, message, _) = await Client.NextAnyAsync(stop);
                    var at = Stopwatch.GetTimestamp();
                    if (target == "BoardDelta")
                    {
                        Gaps += message.GetProperty("fromSequence").GetInt64() == sequence ? 0 : 1;
                        if (RecordsSizes)
                        {
                            deltaSizes.Add(message.GetRawText().Length);
                        }
                    }
                    else
                    {
                        WholeBoards++;
                    }

                    sequence = message.GetProperty("sequence").GetInt64();
                    var open = OpenOf(message);
                    while (Open < open)
                    {
                        Open++;
                        if (Open > OpenAtJoin)
                        {
                            reachedAt.Add(at);
                        }
                    }
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
    }
}
