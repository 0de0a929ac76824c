using HotlineGrains.Contracts;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>The embedded default's simulated phone switch keeps the demo floor alive.</summary>
public sealed class DemoCallSimulatorTests() : ClockedGateway("Sqlite")
{
    [Fact]
    public async Task Calls_ring_on_the_seed_projects_and_demo_agents_answer_them()
    {
        // Time moves five seconds at each look until the switch has rung, been answered and put an agent on the call.
        await Eventually.Until(() =>
        {
            Clock.Advance(TimeSpan.FromSeconds(5));
            var calls = Published.All.OfType<CallEventRecorded>().ToList();
            return calls.Any(c => c.Event == "Ringing") && calls.Any(c => c.Event == "Answered")
                && Published.All.OfType<AgentPresenceChanged>().Any(p => p.To == "OnCall" && p.Actor == "system:switch");
        }, "simulated calls answered by a demo agent");

        var answered = Published.All.OfType<CallEventRecorded>().First(c => c.Event == "Answered");
        Assert.Contains(answered.ProjectId, new[] { "weibang-olympic-garden", "weibang-plaza", "jining-shiji-jiayuan" });
        Assert.Matches("^agent-(al|gc|sj)-[12]$", answered.Agent);
        Assert.Contains(Published.All.OfType<CallEventRecorded>(), c => c.CallId == answered.CallId && c.Event == "Ringing" && c.At <= answered.At);
    }

    protected override void Configure(GatewayFactory gateway)
    {
        gateway.DemoFloor = true;
        gateway.Settings["Demo:CallSimulator"] = "true";
    }
}
