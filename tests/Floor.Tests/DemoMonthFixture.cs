using HotlineGrains.Testing;

namespace HotlineGrains.Floor.Tests;

/// <summary>A gateway with the demo floor and the demo month (last month and this month to yesterday) seeded, for the reports page.</summary>
public sealed class DemoMonthFixture : IAsyncLifetime
{
    private FloorGateway? gateway;

    public FloorGateway Gateway => gateway ?? throw new InvalidOperationException("The gateway is not running.");

    public async Task InitializeAsync()
    {
        gateway = await FloorGateway.StartAsync(demoFloor: true, demoMonth: true);
        await Eventually.Until(() => gateway.Output.Contains("Demo month ready", StringComparison.Ordinal),
            "the demo month is seeded", TimeSpan.FromSeconds(180));
    }

    public async Task DisposeAsync()
    {
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }
    }
}
