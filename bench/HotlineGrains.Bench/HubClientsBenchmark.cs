using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <summary>
/// The official SignalR client (HubClient over HubConnection) against the project's lean one
/// (LeanHubClient), as many wall displays held by one process, which is where the tests and the
/// wallboard benchmark hold them: this process's memory per connection, the time to connect and
/// join them all, how long a change takes to reach every one, and the CPU this process spends
/// receiving it. One gateway process serves both, the same board, in turn.
/// </summary>
internal static class HubClientsBenchmark
{
    public const string Official = "official (Microsoft.AspNetCore.SignalR.Client)";
    public const string Lean = "lean (the project's own)";

    /// <summary>SignalR closes a connection that sent nothing for 30 s: the lean client pings at this interval (the browser every 15 s).</summary>
    internal static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    /// <summary>Changes sent to each set of clients; every client must see each.</summary>
    private const int Changes = 5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<IReadOnlyList<HubClientsRun>> RunAsync(BenchOptions options)
    {
        var directory = Directory.CreateTempSubdirectory("hotline-bench-hubclients-");
        try
        {
            await using var gateway = GatewayProcess.Start(directory.FullName, WallboardBenchmark.GatewaySettings(directory));
            await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));
            await WallboardBenchmark.WaitForLogAsync(gateway, "Demo floor ready", "Demo floor could not be seeded", TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
            var display = await WallboardBenchmark.TokenAsync(http, WallboardBenchmark.Display);
            var agent = await WallboardBenchmark.TokenAsync(http, WallboardBenchmark.Agent);
            var hub = new Uri(gateway.Address, WallboardBenchmark.HubPath);

            var runs = new List<HubClientsRun>();
            foreach (var count in options.HubClientCounts)
            {
                // The lean client first at each count, so neither always runs on the warmer process.
                foreach (var kind in new[] { Lean, Official })
                {
                    var run = await MeasureAsync(kind, count, hub, display, http, agent);
                    Progress.Say(string.Create(Invariant,
                        $"hub clients, {kind}: {run.Joined}/{count} joined in {run.ConnectSeconds:F1} s; {run.HeapKbPerClient:F1} kB heap per client; " +
                        $"change to every client p50 {run.Latency.P50:F0} ms, p99 {run.Latency.P99:F0} ms; {run.CpuMsPerChange:F0} ms CPU per change here{(run.FirstError is null ? string.Empty : "; first error: " + run.FirstError)}"));
                    runs.Add(run);
                }
            }

            return runs;
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

    private static async Task<HubClientsRun> MeasureAsync(string kind, int count, Uri hub, string display, HttpClient http, string agent)
    {
        var heapBefore = Heap();
        var screens = new Screen?[count];
        string? firstError = null;
        var connecting = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = WallboardBenchmark.ConnectParallelism }, async (i, cancellationToken) =>
        {
            try
            {
                screens[i] = await ConnectAsync(kind, hub, display, cancellationToken);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
            }
        });
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        var joined = screens.OfType<Screen>().ToList();
        var heapAfter = Heap();

        // The lean client must say it is alive, as the browser does; the official one pings by itself.
        using var stop = new CancellationTokenSource();
        var keepAlive = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(KeepAlive);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await Task.WhenAll(joined.Select(s => s.Ping()));
                }
            }
            catch (OperationCanceledException)
            {
                // Measured.
            }
        });

        var latencies = new List<double>();
        var cpu = TimeSpan.Zero;
        var reachedAll = 0;
        for (var change = 0; change < Changes && joined.Count > 0; change++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var sentAt = DateTimeOffset.UtcNow;
            var number = await RecordAsync(http, agent, kind, change);
            var waits = joined.Select(s => s.BoardWith(number)).ToList();
            try
            {
                var seen = await Task.WhenAll(waits);
                latencies.AddRange(seen.Select(at => (at - sentAt).TotalMilliseconds));
                reachedAll++;
            }
            catch (Exception exception) when (exception is OperationCanceledException or HubError or InvalidOperationException)
            {
                latencies.AddRange(waits.Where(w => w.IsCompletedSuccessfully).Select(w => (w.Result - sentAt).TotalMilliseconds));
                Interlocked.CompareExchange(ref firstError, $"change {change + 1}: {exception.GetType().Name}: {exception.Message}", null);
            }

            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }

        await stop.CancelAsync();
        await keepAlive;
        await Task.WhenAll(joined.Select(s => s.Connection.DisposeAsync().AsTask()));
        return new HubClientsRun(kind, count, joined.Count, connectSeconds,
            (heapAfter - heapBefore) / 1024.0 / Math.Max(1, joined.Count),
            Percentiles.FromMilliseconds([.. latencies]), (long)Changes * joined.Count, latencies.Count, reachedAll,
            cpu.TotalMilliseconds / Changes, firstError);
    }

    /// <summary>One screen: waits for a board showing a ticket, pings if it must, and is closed at the end.</summary>
    private sealed record Screen(Func<string, Task<DateTimeOffset>> BoardWith, Func<Task> Ping, IAsyncDisposable Connection);

    private static async Task<Screen> ConnectAsync(string kind, Uri hub, string token, CancellationToken cancellationToken)
    {
        static bool Shows(JsonElement board, string number) =>
            board.TryGetProperty("openTickets", out var open) && open.EnumerateArray().Any(t => t.GetProperty("number").ValueEquals(number));
        var timeout = TimeSpan.FromSeconds(60);
        if (kind == Official)
        {
            var client = await HubClient.ConnectAsync(hub, token, cancellationToken: cancellationToken);
            await client.InvokeAsync("Join", WallboardBenchmark.Project);
            return new Screen(n => client.NextAsync("Board", b => Shows(b, n), timeout).Then(r => r.ReceivedAt), () => Task.CompletedTask, client);
        }

        var lean = await LeanHubClient.ConnectAsync(new UriBuilder(hub) { Scheme = "ws" }.Uri, token, cancellationToken);
        await lean.InvokeAsync("Join", WallboardBenchmark.Project);
        return new Screen(n => lean.NextAsync("Board", b => Shows(b, n), timeout).Then(r => r.ReceivedAt), lean.PingAsync, lean);
    }

    private static async Task<string> RecordAsync(HttpClient http, string token, string kind, int change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{WallboardBenchmark.Project}/tickets")
        {
            Content = WallboardBenchmark.Json(SampleIntake.Complaint(WallboardBenchmark.Agent, string.Create(Invariant, $"{SampleIntake.Content}(hub clients, {kind}, {change})"))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"intake: {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("number").GetString()!;
    }

    /// <summary>This process's managed heap after a full, compacting collection, in bytes.</summary>
    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <param name="Pairs">Client × change pairs expected; <paramref name="Seen"/> of them were seen.</param>
/// <param name="CpuMsPerChange">This process's CPU time while one change reached all its clients.</param>
internal sealed record HubClientsRun(
    string Kind,
    int Clients,
    int Joined,
    double ConnectSeconds,
    double HeapKbPerClient,
    Percentiles Latency,
    long Pairs,
    long Seen,
    int ChangesReachingAll,
    double CpuMsPerChange,
    string? FirstError);
