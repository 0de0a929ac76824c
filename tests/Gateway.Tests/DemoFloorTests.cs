using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

public sealed class DemoFloorFactory : IAsyncLifetime
{
    public GatewayFactory Factory { get; } = new() { DemoFloor = true };

    public Task InitializeAsync() => ((IAsyncLifetime)Factory).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Factory).DisposeAsync();
}

/// <summary>The embedded default shows a living floor at once: agents, customers and tickets at different steps in every seed project.</summary>
public sealed class DemoFloorTests(DemoFloorFactory fixture) : IClassFixture<DemoFloorFactory>
{
    private static readonly string[] SeedProjects = ["weibang-olympic-garden", "weibang-plaza", "jining-shiji-jiayuan"];

    private readonly HttpClient client = fixture.Factory.CreateClient();

    [Fact]
    public async Task Every_seed_project_has_tickets_in_several_states()
    {
        foreach (var project in SeedProjects)
        {
            JsonElement register = default;
            await Eventually.Until(async () =>
                (register = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/tickets")).GetProperty("total").GetInt32() >= 10,
                $"the demo tickets of {project}");

            var statuses = register.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("status").GetString()).ToHashSet();
            Assert.Superset(new HashSet<string?> { "Received", "Forwarded", "InProgress", "WaitingOnCustomer", "Resolved", "CustomerNotified", "Closed" }, statuses);
            var kinds = register.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("kind").GetString()).ToHashSet();
            Assert.Superset(new HashSet<string?> { "Complaint", "Inquiry", "Repair" }, kinds);
        }
    }

    [Fact]
    public async Task Every_seed_project_has_agents_on_the_floor_and_customers_with_their_tickets()
    {
        foreach (var project in SeedProjects)
        {
            JsonElement agents = default;
            await Eventually.Until(async () =>
                (agents = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/agents")).GetArrayLength() == 2,
                $"the demo agents of {project}");
            Assert.Equal(["Available", "OnCall"], agents.EnumerateArray().Select(a => a.GetProperty("presence").GetString()).Order());

            JsonElement customers = default;
            await Eventually.Until(async () =>
                (customers = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{project}/customers")).EnumerateArray()
                    .Sum(c => c.GetProperty("tickets").GetInt32()) == 10,
                $"the demo customers of {project} with their tickets");
            Assert.Equal(2, customers.GetArrayLength());
        }
    }
}
