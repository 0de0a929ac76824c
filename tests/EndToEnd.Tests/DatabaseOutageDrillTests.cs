using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;
using Xunit.Abstractions;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// PostgreSQL outage drill (issue 11) with real processes: a gateway (co-hosting its silo) on a
/// PostgreSQL and a RabbitMQ of the drill's own, the database stopped for a while under load and
/// started again. Requests in the gap are answered 503 problem details with Retry-After (never
/// 500), the node reports itself not ready and ready again, nothing is half stored, and the node
/// serves again without being restarted.
/// </summary>
[Collection(Alone.Name)]
public sealed class DatabaseOutageDrillTests(ITestOutputHelper output) : OutageDrill
{
    /// <summary>How long the database is away: the restart the issue measured.</summary>
    private static readonly TimeSpan DatabaseDownFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Requests_while_the_database_restarts_get_503_with_Retry_After_never_500_and_the_node_serves_again_without_a_restart()
    {
        await using var gateway = await StartGatewayAsync();
        var load = new OutageLoad(gateway.Address, await gateway.DemoTokenAsync("agent-gc-1"), "weibang-plaza", "agent-gc-1");
        var callers = Enumerable.Range(0, 2).Select(load.RunAsync).ToArray();
        await load.WaitForTicketsAsync(4);

        using var probe = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(10) };
        await Database.StopAsync();
        var down = Stopwatch.StartNew();
        await Eventually.Until(async () => (int)(await probe.GetAsync("/readyz")).StatusCode == 503, "/readyz answering 503 without the database", TimeSpan.FromSeconds(10));
        var notReadyAfter = down.Elapsed;
        await Eventually.Until(() => load.Unavailable > 0 || !load.Failures.IsEmpty, "a request answered while the database is down", DatabaseDownFor);
        var remaining = DatabaseDownFor - down.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await Database.StartAgainAsync();
        var up = Stopwatch.StartNew();
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(30));
        var readyAfter = up.Elapsed;
        var before = load.Acknowledged.Count;
        await load.WaitForTicketsAsync(before + 4);
        var servingAfter = up.Elapsed;
        load.Stop();
        await Task.WhenAll(callers);
        output.WriteLine($"/readyz 503 {notReadyAfter.TotalSeconds:F1} s after the database stopped, 200 {readyAfter.TotalSeconds:F1} s after it was back; " +
            $"tickets recorded again {servingAfter.TotalSeconds:F1} s after; {load.Unavailable} answers 503 in the gap, {load.Failures.Count} failures, {load.Acknowledged.Count} tickets");

        Assert.True(load.Failures.IsEmpty, string.Join('\n', load.Failures.Take(10)) + "\n" +
            string.Join('\n', gateway.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal)).Take(20)));
        Assert.True(load.Unavailable > 0, "no request was answered while the database was down");

        // Nothing half stored: a ticket's state and its register row are written together or not at all,
        // and a retried key made no second ticket.
        var tickets = load.Acknowledged.Values.ToHashSet();
        Assert.Equal(load.Acknowledged.Count, tickets.Count);
        var registered = await Database.ScalarAsync<long>("select count(*) from read_models where model = 'ticket-register'");
        var registeredWithoutState = await Database.ScalarAsync<long>(
            "select count(*) from read_models r where r.model = 'ticket-register' and not exists (select 1 from grain_storage g where g.payload is not null and g.grain_key like '%' || r.grain_key)");
        Assert.Equal(0, registeredWithoutState);
        Assert.Equal(tickets.Count, registered);
    }

    /// <summary>A headless silo tells its probe the same on its management port: 503 within seconds of losing the database, 200 once it is back.</summary>
    [Fact]
    public async Task A_headless_silo_is_not_ready_while_the_database_is_down_and_ready_again_without_a_restart()
    {
        await using var silo = await StartSiloAsync();
        using var probe = new HttpClient { BaseAddress = silo.ManagementAddress, Timeout = TimeSpan.FromSeconds(10) };

        await Database.StopAsync();
        var down = Stopwatch.StartNew();
        await Eventually.Until(async () => (int)(await probe.GetAsync("/readyz")).StatusCode == 503, "the silo's /readyz answering 503 without the database", TimeSpan.FromSeconds(10));
        var notReadyAfter = down.Elapsed;
        using (var ready = await probe.GetAsync("/readyz"))
        {
            var detail = await ready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Unhealthy", detail.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }

        using (var live = await probe.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode); // no restart for an outage elsewhere
        }

        await Database.StartAgainAsync();
        var up = Stopwatch.StartNew();
        await silo.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(30), onManagementPort: true);
        output.WriteLine($"silo /readyz 503 {notReadyAfter.TotalSeconds:F1} s after the database stopped, 200 {up.Elapsed.TotalSeconds:F1} s after it was back");
        Assert.False(silo.HasExited);
    }
}
