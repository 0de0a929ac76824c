using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// A rolling upgrade rehearsed with real processes (issue 11): three headless silos and two
/// client-mode gateways on one PostgreSQL and one RabbitMQ, each replaced in turn with SIGTERM (as
/// Kubernetes stops a pod) while callers record tickets whose one-minute SLA reminders fire during
/// and after the replacements. Callers do what the API tells them: retry a 503 after its
/// Retry-After, and go to the other gateway when theirs is gone (as a load balancer would).
/// </summary>
[Collection(Alone.Name)]
public sealed class RollingUpgradeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Plaza = "weibang-plaza";
    private const int Callers = 4;

    private readonly string directory = Directory.CreateTempSubdirectory("hotline-rolling-").FullName;
    /// <summary>Exchange → (ticket id, message id) of every delivery.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentBag<(string Ticket, string? MessageId)>> received = new();
    private PostgresDatabase database = null!;
    private RabbitMqVirtualHost broker = null!;
    private IConnection connection = null!;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        broker = await RabbitMqVirtualHost.CreateAsync();
        connection = await new ConnectionFactory { Uri = broker.Uri }.CreateConnectionAsync();
        await ListenAsync("hotline.ticket-received");
        await ListenAsync("hotline.ticket-sla-target-missed");
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await broker.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Three_silos_and_two_gateways_replaced_one_at_a_time_under_load_fail_no_request_lose_no_event_and_miss_no_reminder()
    {
        var silos = new List<GatewayProcess>();
        var gateways = new GatewayProcess[2];
        var retired = new List<GatewayProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(GatewayProcess.StartWorker(directory, Settings()));
            }

            await Eventually.Until(async () => await ActiveSilos() == 3, "three silos active", TimeSpan.FromSeconds(120));
            for (var i = 0; i < gateways.Length; i++)
            {
                gateways[i] = StartGateway();
            }

            foreach (var gateway in gateways)
            {
                await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
            }

            var admin = await gateways[0].DemoTokenAsync("admin");
            var agent = await gateways[0].DemoTokenAsync("agent-gc-1");
            await ConfigureOneMinuteTarget(gateways[0], admin);

            var load = new Load(() => [.. gateways.Select(g => g.Address)], agent);
            var callers = Enumerable.Range(0, Callers).Select(load.RunAsync).ToArray();
            await load.WaitForTicketsAsync(Callers * 3);

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < silos.Count; i++)
            {
                var stopping = Stopwatch.StartNew();
                await silos[i].TerminateAsync(TimeSpan.FromSeconds(90));
                output.WriteLine($"{watch.Elapsed:mm\\:ss} silo {i + 1} stopped {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM; {load.Acknowledged.Count} tickets so far");
                retired.Add(silos[i]);
                silos[i] = GatewayProcess.StartWorker(directory, Settings());
                await Eventually.Until(async () => await ActiveSilos() == 3, "the replacement silo active", TimeSpan.FromSeconds(120));
                await load.WaitForTicketsAsync(load.Acknowledged.Count + Callers);
            }

            for (var i = 0; i < gateways.Length; i++)
            {
                var stopping = Stopwatch.StartNew();
                await gateways[i].TerminateAsync(TimeSpan.FromSeconds(60));
                output.WriteLine($"{watch.Elapsed:mm\\:ss} gateway {i + 1} stopped {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM; {load.Acknowledged.Count} tickets so far");
                retired.Add(gateways[i]);
                gateways[i] = StartGateway();
                await gateways[i].WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
                await load.WaitForTicketsAsync(load.Acknowledged.Count + Callers);
            }

            load.Stop();
            await Task.WhenAll(callers);
            var tickets = load.Acknowledged.ToHashSet();
            output.WriteLine($"{watch.Elapsed:mm\\:ss} load stopped: {tickets.Count} tickets acknowledged, retries: {load.Retries}, the longest ticket took {load.Longest.TotalSeconds:F1} s, {load.Failures.Count} failed");
            Assert.True(load.Failures.IsEmpty, string.Join('\n', load.Failures.Take(10)) + "\nWhat the gateways logged of it:\n" +
                string.Join('\n', gateways.Concat(retired).SelectMany(g => g.Output.Split('\n')).Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(40)));

            // Every acknowledged ticket's event, and its target reminder a minute later, reach the broker.
            await Eventually.Until(() => tickets.IsSubsetOf(Received("hotline.ticket-received")), "every ticket's TicketReceived", TimeSpan.FromSeconds(60));
            await Eventually.Until(() => tickets.IsSubsetOf(Received("hotline.ticket-sla-target-missed")), "every ticket's target reminder", TimeSpan.FromSeconds(180));
            output.WriteLine($"{watch.Elapsed:mm\\:ss} every event and reminder arrived: {received["hotline.ticket-received"].Count} TicketReceived deliveries, " +
                $"{received["hotline.ticket-sla-target-missed"].Count} TicketSlaTargetMissed for {tickets.Count} tickets");

            // At least once, never as a new event: a ticket's TicketReceived delivered twice (its silo
            // published it and stopped before marking it sent) carries the same message id, for consumers to drop.
            var receivedIds = received["hotline.ticket-received"].Where(r => tickets.Contains(r.Ticket)).GroupBy(r => r.Ticket).ToList();
            Assert.All(receivedIds, ticket => Assert.Single(ticket.Select(r => r.MessageId).Distinct()));
        }
        finally
        {
            foreach (var process in silos.Concat(gateways.Where(g => g is not null)).Concat(retired))
            {
                await process.DisposeAsync();
            }
        }
    }

    private GatewayProcess StartGateway()
    {
        var settings = Settings();
        settings["Orleans:Role"] = "Client";
        return GatewayProcess.Start(directory, settings);
    }

    /// <summary>Round the clock, and a one-minute target for general complaints, so reminders fire within the rehearsal.</summary>
    private static async Task ConfigureOneMinuteTarget(GatewayProcess gateway, string adminToken)
    {
        using var http = new HttpClient { BaseAddress = gateway.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var allDay = Enum.GetValues<DayOfWeek>().Select(day => new { day = day.ToString(), start = "00:00:00", end = "00:00:00" });
        using var configured = await http.PutAsJsonAsync($"/api/projects/{Plaza}", new
        {
            name = "维邦广场",
            greeting = "您好,这里是维邦物业维邦广场项目客服中心,为您服务",
            ticketPrefix = "GC",
            calendar = new { timeZone = "Asia/Shanghai", weeklyHours = allDay },
            serviceLevels = new { complaint = new { general = new { firstReply = (object?)null, target = new { minutes = 1 }, deadline = (object?)null } } },
        });
        Assert.True(configured.IsSuccessStatusCode, await configured.Content.ReadAsStringAsync());
    }

    private HashSet<string> Received(string exchange) => [.. (received.GetValueOrDefault(exchange) ?? []).Select(r => r.Ticket)];

    /// <summary>A queue of the test's own on <paramref name="exchange"/>, collecting the ticket ids that arrive.</summary>
    private async Task ListenAsync(string exchange)
    {
        var ids = received.GetOrAdd(exchange, _ => []);
        await TicketEventQueue.ListenAsync(connection, exchange, queue: null, (ticket, messageId) => ids.Add((ticket, messageId)));
    }

    private Task<long> ActiveSilos() => ProductionCluster.ActiveSilosAsync(database);

    private Dictionary<string, string?> Settings()
    {
        var settings = ProductionCluster.Settings(database, broker.Uri, "rolling-upgrade-shared-signing-key-0123456789");
        settings["Limits:IntakePerMinute"] = "100000";
        return settings;
    }

    /// <summary>
    /// Callers recording complaints, each with an Idempotency-Key of its own so a retry cannot make a
    /// second ticket. A request fails only if it gets an answer the API does not tell it to retry
    /// (anything but 2xx and 503), or no gateway takes it within a minute.
    /// </summary>
    private sealed class Load(Func<Uri[]> gateways, string token)
    {
        private readonly CancellationTokenSource stop = new();
        private int unavailable;
        private int unreachable;

        public ConcurrentQueue<string> Acknowledged { get; } = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        private long longestTicks;

        /// <summary>The longest a ticket took to be acknowledged, its retries included.</summary>
        public TimeSpan Longest => TimeSpan.FromTicks(Interlocked.Read(ref longestTicks));

        /// <summary>Retries after a 503, and after finding no gateway at an address.</summary>
        public string Retries => $"{unavailable} after a 503, {unreachable} after no answer";

        public void Stop() => stop.Cancel();

        public async Task RunAsync(int caller)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"rolling-{caller}-{i}";
                var deadline = Stopwatch.StartNew();
                for (var attempt = 0; ; attempt++)
                {
                    var all = gateways();
                    var address = all[(caller + i + attempt) % all.Length];
                    var wait = TimeSpan.FromMilliseconds(200);
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/api/projects/{Plaza}/tickets"))
                        {
                            Content = JsonContent.Create(SampleIntake.Complaint("agent-gc-1", $"{SampleIntake.Content}({key})")),
                        };
                        request.Headers.Add("Idempotency-Key", key);
                        using var response = await http.SendAsync(request);
                        if (response.IsSuccessStatusCode)
                        {
                            Acknowledged.Enqueue((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
                            var took = deadline.Elapsed.Ticks;
                            for (var longest = Interlocked.Read(ref longestTicks); took > longest; longest = Interlocked.Read(ref longestTicks))
                            {
                                Interlocked.CompareExchange(ref longestTicks, took, longest);
                            }

                            break;
                        }

                        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                        {
                            Failures.Enqueue($"{key} via {address}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            break;
                        }

                        wait = response.Headers.RetryAfter?.Delta ?? wait;
                        Interlocked.Increment(ref unavailable);
                    }
                    catch (Exception gone) when (gone is HttpRequestException or TaskCanceledException)
                    {
                        // The gateway is stopping or not started yet: the next attempt goes to the other one.
                        Interlocked.Increment(ref unreachable);
                    }

                    if (deadline.Elapsed > TimeSpan.FromMinutes(1))
                    {
                        Failures.Enqueue($"{key}: no gateway took it within a minute");
                        break;
                    }

                    await Task.Delay(wait);
                }
            }
        }

        public Task WaitForTicketsAsync(int count) =>
            Eventually.Until(() => Acknowledged.Count >= count || !Failures.IsEmpty, $"{count} tickets acknowledged", TimeSpan.FromSeconds(120));
    }
}

/// <summary>
/// Tests that load the 2-core machine with five node processes and a steady load run with no other
/// test beside them: the process tests' start-up deadlines are for a busy machine, not a starved one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone on the machine";
}
