using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Floor.Tests;

/// <summary>A gateway with the demo floor seeded (agents, customers, tickets in every state), and what its boards hold.</summary>
public sealed class DemoFloorFixture : IAsyncLifetime
{
    private FloorGateway? gateway;

    public FloorGateway Gateway => gateway ?? throw new InvalidOperationException("The gateway is not running.");

    /// <summary>Open tickets over the demo projects, as the register says: what a full board shows.</summary>
    public int OpenTickets { get; private set; }

    public int Agents { get; private set; }

    /// <summary>Calls ringing now over the demo projects.</summary>
    public int CallsWaiting { get; private set; }

    public int CallsAnswered { get; private set; }

    public int CallsAbandoned { get; private set; }

    public async Task InitializeAsync()
    {
        gateway = await FloorGateway.StartAsync(demoFloor: true);
        await Eventually.Until(() => gateway.Output.Contains("Demo floor ready", StringComparison.Ordinal),
            "the demo floor is seeded", TimeSpan.FromSeconds(60));

        await TodaysCallsAsync(gateway);

        var admin = await gateway.TokenAsync("admin");
        foreach (var project in FloorGateway.DemoProjects)
        {
            var register = await gateway.GetAsync($"/api/projects/{project}/tickets?pageSize=200", admin);
            OpenTickets += register.GetProperty("items").EnumerateArray()
                .Count(t => t.GetProperty("status").GetString() is not ("Closed" or "Pending"));
            Agents += (await gateway.GetAsync($"/api/projects/{project}/agents", admin)).GetArrayLength();
        }
    }

    /// <summary>
    /// The last minutes of the phone switch: per project some calls answered (most within 3 s),
    /// some abandoned and a few ringing now, one project below the 85% answer rate.
    /// </summary>
    private async Task TodaysCallsAsync(FloorGateway gateway)
    {
        (string Project, int InTime, int Late, int Abandoned, int Ringing)[] traffic =
        [
            ("weibang-plaza", 18, 2, 2, 1),
            ("weibang-olympic-garden", 12, 3, 4, 2),
            ("jining-shiji-jiayuan", 9, 1, 1, 0),
        ];
        var phoneSwitch = await gateway.TokenAsync("switch");
        var now = DateTimeOffset.UtcNow;
        foreach (var (project, inTime, late, abandoned, ringing) in traffic)
        {
            var call = 0;
            var start = now - TimeSpan.FromSeconds(100);
            async Task Ring(string outcome, TimeSpan after)
            {
                var id = $"{project}-{++call}";
                var at = start + TimeSpan.FromSeconds(call);
                await gateway.PostCallAsync(project, phoneSwitch, id, "Ringing", at);
                await gateway.PostCallAsync(project, phoneSwitch, id, outcome, at + after);
            }

            for (var i = 0; i < inTime; i++)
            {
                await Ring("Answered", TimeSpan.FromSeconds(2));
            }

            for (var i = 0; i < late; i++)
            {
                await Ring("Answered", TimeSpan.FromSeconds(7));
            }

            for (var i = 0; i < abandoned; i++)
            {
                await Ring("Abandoned", TimeSpan.FromSeconds(12));
            }

            for (var i = 0; i < ringing; i++)
            {
                await gateway.PostCallAsync(project, phoneSwitch, $"{project}-waiting-{i}", "Ringing", now - TimeSpan.FromSeconds(30 - (10 * i)));
            }

            CallsWaiting += ringing;
            CallsAnswered += inTime + late;
            CallsAbandoned += abandoned;
        }
    }

    public async Task DisposeAsync()
    {
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }
    }
}
