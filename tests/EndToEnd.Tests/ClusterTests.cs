using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// The scale-out shape: two headless silos host the grains, and gateways run as Orleans clients
/// of that cluster (<c>Orleans:Role=Client</c>), so screens and grains scale apart; and what a
/// headless silo shows its operator. Real processes on one PostgreSQL and one RabbitMQ.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private const string Plaza = "weibang-plaza";

    private readonly string directory = Directory.CreateTempSubdirectory("hotline-cluster-").FullName;
    private PostgresDatabase database = null!;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_ticket_recorded_through_a_gateway_in_client_mode_reaches_a_wallboard_served_by_another_gateway()
    {
        await using var siloA = GatewayProcess.StartWorker(directory, Settings());
        await using var siloB = GatewayProcess.StartWorker(directory, Settings());
        await Eventually.Until(async () => await ActiveSilos() == 2, "two silos active in the cluster", TimeSpan.FromSeconds(90));

        var client = Settings();
        client["Orleans:Role"] = "Client";
        await using var screens = GatewayProcess.Start(directory, client);
        await using var desk = GatewayProcess.Start(directory, client);
        await screens.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));
        await desk.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));

        await using var wallboard = await HubClient.ConnectAsync(screens.HubUrl, await screens.DemoTokenAsync("wallboard"));
        var joined = await wallboard.InvokeAsync("Join", Plaza);
        Assert.Equal(Plaza, Assert.Single(joined.EnumerateArray()).GetProperty("projectId").GetString());

        using var http = new HttpClient { BaseAddress = desk.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await desk.DemoTokenAsync("agent-gc-1"));
        using var created = await http.PostAsJsonAsync($"/api/projects/{Plaza}/tickets", SampleIntake.Complaint("agent-gc-1"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString();

        var (board, _) = await wallboard.NextAsync("Board",
            b => b.GetProperty("openTickets").EnumerateArray().Any(t => t.GetProperty("number").GetString() == number), TimeSpan.FromSeconds(30));
        Assert.Equal("agent-gc-1", board.GetProperty("openTickets").EnumerateArray().Single(t => t.GetProperty("number").GetString() == number).GetProperty("agent").GetString());

        // The gateways host no grains: only the two silos are members of the cluster.
        Assert.Equal(2, await ActiveSilos());
    }

    /// <summary>
    /// An operator's view of a headless silo (issue 11): on its management port it answers the
    /// probes and Prometheus, with the same checks as a gateway's plus its cluster membership, and
    /// nothing else; it does not listen on the API address every process here is given.
    /// </summary>
    [Fact]
    public async Task A_headless_silo_answers_probes_and_prometheus_on_its_management_port_only()
    {
        await using var silo = GatewayProcess.StartWorker(directory, Settings());
        await silo.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90), onManagementPort: true);
        using var management = new HttpClient { BaseAddress = silo.ManagementAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var live = await management.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await management.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal(["database", "masstransit-bus", "membership", "outbox"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("Healthy", c.Value.GetProperty("status").GetString()));
        Assert.Equal("Active", checks.GetProperty("membership").GetProperty("data").GetProperty("status").GetString());

        // The hotline's outbox gauges and Orleans' own meters come from the silo that relays and hosts.
        var metrics = string.Empty;
        await Eventually.Until(async () =>
        {
            metrics = await management.GetStringAsync("/metrics");
            return metrics.Contains("\nhotline_outbox_backlog", StringComparison.Ordinal) && metrics.Contains("\norleans_", StringComparison.Ordinal);
        }, "the hotline's and Orleans' meters on the silo's scrape endpoint");
        Assert.Contains("dotnet_", metrics, StringComparison.Ordinal);

        using var api = await management.GetAsync("/api/projects/weibang-plaza");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        using var apiAddress = new HttpClient { BaseAddress = silo.Address, Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => apiAddress.GetAsync("/healthz"));
    }

    [Fact]
    public async Task A_headless_silo_without_a_management_port_serves_no_http_and_still_joins_the_cluster()
    {
        var settings = Settings();
        settings["Management:Port"] = "0";
        await using var silo = GatewayProcess.StartWorker(directory, settings);

        await Eventually.Until(async () => await ActiveSilos() == 1, "the silo active in the cluster", TimeSpan.FromSeconds(90));
        await Eventually.Until(() => silo.Output.Contains("Management:Port is 0: this node serves no HTTP", StringComparison.Ordinal), "the silo saying it serves no HTTP");
        Assert.Null(silo.ManagementAddress);
        Assert.DoesNotContain("Now listening on", silo.Output, StringComparison.Ordinal);
        Assert.False(silo.HasExited);
    }

    private Task<long> ActiveSilos() => ProductionCluster.ActiveSilosAsync(database);

    private Dictionary<string, string?> Settings()
    {
        var settings = ProductionCluster.Settings(database, new Uri(TestServices.RabbitMqUri), "cluster-tests-shared-signing-key-0123456789");
        // No refresh during the test: the screens' node hears of the desk's change from the board grain (its observer), or from the event on the bus nudging it to ask the grain.
        settings["Floor:RefreshInterval"] = "01:00:00";
        return settings;
    }
}
