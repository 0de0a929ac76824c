using HotlineGrains.Contracts;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Silo;
using HotlineGrains.Testing;

namespace HotlineGrains.Grains.Tests.Agents;

/// <summary>Presence, time in state and the break limit (SPEC §5, seed 002).</summary>
public sealed class AgentPresenceTests() : ManualClockSiloTest(Start, bus =>
{
    bus.AddConsumer<EventRecorder<AgentPresenceChanged>>();
    bus.AddConsumer<EventRecorder<AgentBreakLimitExceeded>>();
})
{
    // Monday 2 March 2026, 09:00 in Shanghai.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_presence_change_is_published_with_how_long_the_previous_state_lasted()
    {
        await ConfigureProject("plaza");
        var registered = await Register("agent-1001", "plaza", "olympic");
        Assert.Equal(Presence.Offline, registered.Presence);
        Assert.Equal(Start, registered.Since);

        Clock.Advance(TimeSpan.FromMinutes(5));
        await SetPresence("agent-1001", Presence.Available);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var onCall = await SetPresence("agent-1001", Presence.OnCall);

        var changes = await WaitForEvents<AgentPresenceChanged>(2);
        var first = changes[0];
        Assert.Equal(("Offline", "Available"), (first.From, first.To));
        Assert.Equal(Start, first.PreviousStateSince);
        Assert.Equal(Start.AddMinutes(5), first.OccurredAt);
        Assert.Equal(("agent-1001", "1001", "plaza", "supervisor-7"), (first.AgentId, first.WorkNumber, first.ProjectId, first.Actor));
        var second = changes[1];
        Assert.Equal(("Available", "OnCall"), (second.From, second.To));
        Assert.Equal(TimeSpan.FromMinutes(3), second.OccurredAt - second.PreviousStateSince);
        Assert.NotEqual(first.EventId, second.EventId);

        Assert.Equal(TimeSpan.Zero, onCall.TimeInState);
        Clock.Advance(TimeSpan.FromMinutes(2));
        var view = await Grains.GetGrain<IAgentGrain>("agent-1001").GetView(Now);
        Assert.Equal((Presence.OnCall, Start.AddMinutes(8), TimeSpan.FromMinutes(2)), (view!.Presence, view.Since, view.TimeInState));

        var log = await Grains.GetGrain<IAgentGrain>("agent-1001").GetPresenceLog();
        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(3)], log.Select(c => c.Lasted));
    }

    [Fact]
    public async Task Setting_the_presence_the_agent_is_in_changes_nothing()
    {
        await ConfigureProject("plaza");
        await Register("agent-1001", "plaza");
        await SetPresence("agent-1001", Presence.Available);
        Clock.Advance(TimeSpan.FromMinutes(4));

        var again = await SetPresence("agent-1001", Presence.Available);
        await SetPresence("agent-1001", Presence.OnCall);

        Assert.Equal((Start, TimeSpan.FromMinutes(4)), (again.Since, again.TimeInState));
        await WaitForEvents<AgentPresenceChanged>(1, e => e.To == "OnCall");
        Assert.Equal(["Available", "OnCall"], Events.Of<AgentPresenceChanged>().OrderBy(e => e.OccurredAt).Select(c => c.To));
        Assert.Equal(2, (await Grains.GetGrain<IAgentGrain>("agent-1001").GetPresenceLog()).Count);
    }

    [Fact]
    public async Task The_floor_lists_the_agent_under_the_home_project_with_every_project_on_the_row()
    {
        await ConfigureProject("plaza");
        await Register("agent-1001", "plaza", "olympic");
        await Register("agent-1002", "olympic");
        await SetPresence("agent-1001", Presence.Break);

        var onBreak = await ReadModels.QueryAsync<AgentFloorRow>(new ReadModelQuery(AgentGrain.FloorModel, ["plaza"])
        {
            Filters = new Dictionary<string, string> { ["presence"] = "Break" },
        });
        var row = Assert.Single(onBreak.Items);
        Assert.Equal(("agent-1001", "1001", Start), (row.Id, row.WorkNumber, row.Since));
        Assert.Equal(["plaza", "olympic"], row.Projects);

        var olympic = await ReadModels.QueryAsync<AgentFloorRow>(new ReadModelQuery(AgentGrain.FloorModel, ["olympic"]));
        Assert.Equal(["agent-1002"], olympic.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task A_break_past_the_project_limit_alerts_the_supervisor_once()
    {
        await ConfigureProject("plaza", breakLimit: TimeSpan.FromMinutes(10));
        await Register("agent-1001", "plaza");
        await SetPresence("agent-1001", Presence.Available);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var onBreakSince = Now;
        await SetPresence("agent-1001", Presence.Break);

        Clock.Advance(TimeSpan.FromMinutes(10));

        var alert = Assert.Single(await WaitForEvents<AgentBreakLimitExceeded>(1));
        Assert.Equal((onBreakSince, TimeSpan.FromMinutes(10)), (alert.OnBreakSince, alert.Limit));
        Assert.Equal(("agent-1001", "1001", "plaza", "system:break-watch"), (alert.AgentId, alert.WorkNumber, alert.ProjectId, alert.Actor));
        Assert.Equal(onBreakSince.AddMinutes(10), alert.OccurredAt);
        Assert.True((await Grains.GetGrain<IAgentGrain>("agent-1001").GetView(Now))!.OverBreakLimit);

        // Still on the same break an hour later: nothing new to tell. The agent's next change is
        // published after any alert it would have raised meanwhile (one grain's events keep order).
        Clock.Advance(TimeSpan.FromHours(1));
        await SetPresence("agent-1001", Presence.Available);
        await WaitForEvents<AgentPresenceChanged>(1, e => e.From == "Break");
        Assert.Single(Events.Of<AgentBreakLimitExceeded>());
        Assert.False((await Grains.GetGrain<IAgentGrain>("agent-1001").GetView(Now))!.OverBreakLimit);
    }

    [Fact]
    public async Task A_break_ended_in_time_raises_no_alert()
    {
        await ConfigureProject("plaza");
        await Register("agent-1001", "plaza");
        await SetPresence("agent-1001", Presence.Break);
        Clock.Advance(TimeSpan.FromMinutes(14));
        await SetPresence("agent-1001", Presence.Available);

        // Past the first break's limit, then a second break that does run over.
        Clock.Advance(TimeSpan.FromMinutes(5));
        var secondBreak = Now;
        await SetPresence("agent-1001", Presence.Break);
        Clock.Advance(TimeSpan.FromMinutes(15));

        var alert = Assert.Single(await WaitForEvents<AgentBreakLimitExceeded>(1));
        Assert.Equal(secondBreak, alert.OnBreakSince);
        Assert.Equal(TimeSpan.FromMinutes(15), alert.Limit);
    }

    [Fact]
    public async Task A_home_project_not_configured_gets_the_default_limit_of_15_minutes()
    {
        await Register("agent-1001", "not-configured");
        await SetPresence("agent-1001", Presence.Break);

        Clock.Advance(TimeSpan.FromMinutes(15));

        var alert = Assert.Single(await WaitForEvents<AgentBreakLimitExceeded>(1));
        Assert.Equal(AgentGrain.DefaultBreakLimit, alert.Limit);
        Assert.Equal(TimeSpan.FromMinutes(15), AgentGrain.DefaultBreakLimit);
    }

    private Task<AgentView> Register(string agentId, params string[] projects) =>
        Grains.GetGrain<IAgentGrain>(agentId).Register(new AgentProfile
        {
            WorkNumber = agentId["agent-".Length..],
            Name = "张敏",
            Projects = projects,
            Departments = ["客服中心"],
        });

    private Task<AgentView> SetPresence(string agentId, Presence to) =>
        Grains.GetGrain<IAgentGrain>(agentId).SetPresence(to, "supervisor-7");
}
