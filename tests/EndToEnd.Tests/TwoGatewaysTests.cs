using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// Two gateway processes on one PostgreSQL and one RabbitMQ, as in production: a change made
/// through one reaches a wallboard connected to the other, and a node started later shows the
/// floor as it is at once.
/// </summary>
public sealed class TwoGatewaysTests : IAsyncLifetime
{
    private const string Plaza = "weibang-plaza";

    private readonly string directoryA = Directory.CreateTempSubdirectory("hotline-node-a-").FullName;
    private readonly string directoryB = Directory.CreateTempSubdirectory("hotline-node-b-").FullName;
    private PostgresDatabase database = null!;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(directoryA, recursive: true);
        Directory.Delete(directoryB, recursive: true);
    }

    [Fact]
    public async Task A_ticket_recorded_through_node_B_reaches_a_wallboard_connected_to_node_A()
    {
        await using var nodeA = GatewayProcess.Start(directoryA, Settings());
        await using var nodeB = GatewayProcess.Start(directoryB, Settings());
        await nodeA.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));
        await nodeB.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));

        await using var wallboard = await HubClient.ConnectAsync(nodeA.HubUrl, await nodeA.DemoTokenAsync("wallboard"));
        var joined = await wallboard.InvokeAsync("Join", Plaza);
        Assert.Equal(Plaza, Assert.Single(joined.EnumerateArray()).GetProperty("projectId").GetString());

        using var client = new HttpClient { BaseAddress = nodeB.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await nodeB.DemoTokenAsync("agent-gc-1"));
        using var created = await client.PostAsJsonAsync($"/api/projects/{Plaza}/tickets", SampleIntake.Complaint("agent-gc-1"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString();

        var (board, _) = await wallboard.NextAsync("Board",
            b => b.GetProperty("openTickets").EnumerateArray().Any(t => t.GetProperty("number").GetString() == number), TimeSpan.FromSeconds(30));
        Assert.Equal("agent-gc-1", board.GetProperty("openTickets").EnumerateArray().Single(t => t.GetProperty("number").GetString() == number).GetProperty("agent").GetString());

        // A node that starts now builds its boards from the database: the ticket is there at once.
        var directoryC = Directory.CreateTempSubdirectory("hotline-node-c-").FullName;
        try
        {
            await using var nodeC = GatewayProcess.Start(directoryC, Settings());
            await nodeC.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));
            await using var late = await HubClient.ConnectAsync(nodeC.HubUrl, await nodeC.DemoTokenAsync("supervisor-gc"));
            var boards = await late.InvokeAsync("Join", Plaza);
            Assert.Contains(number, boards[0].GetProperty("openTickets").EnumerateArray().Select(t => t.GetProperty("number").GetString()));
        }
        finally
        {
            Directory.Delete(directoryC, recursive: true);
        }
    }

    /// <summary>Production storage and bus; demo users (the nodes share the signing key) but no demo floor, so the board holds only this test's ticket.</summary>
    private Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = database.ConnectionString,
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMqUri"] = TestServices.RabbitMqUri,
        ["Demo:Enabled"] = "true",
        ["Demo:Floor"] = "false",
        ["Auth:SigningKey"] = "two-gateways-shared-signing-key-0123456789",
        // No refresh during the test: node A hears of node B's change from the board grain (its observer), or from the event on the bus nudging it to ask the grain.
        ["Floor:RefreshInterval"] = "01:00:00",
    };
}
