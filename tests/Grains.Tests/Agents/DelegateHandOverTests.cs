using HotlineGrains.Contracts;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using HotlineGrains.Testing;

namespace HotlineGrains.Grains.Tests.Agents;

/// <summary>
/// An agent's open tickets, and the hand-over to the delegate (代办人) when the agent is on leave
/// or off shift, so no ticket is lost (SPEC §5, seed 000 §八.6). The tickets tell the agents by
/// message (TrackTicket, ReleaseTicket), so every list is polled until it settles.
/// </summary>
public sealed class DelegateHandOverTests() : ManualClockSiloTest(Start, bus => bus.AddConsumer<EventRecorder<TicketReassigned>>())
{
    private const string Project = "plaza";
    private const string Away = "agent-1001";
    private const string Delegate = "agent-1002";
    private const string Colleague = "agent-1003";
    private const string Supervisor = "supervisor-7";

    // Monday 2 March 2026, 09:00 in Shanghai.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static readonly string OnLeave = $"On leave: handed over to the delegate (代办人) {Delegate}";

    [Fact]
    public async Task Tickets_received_by_an_agent_are_on_their_open_list_and_one_answered_on_the_call_never_is()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);

        await OpenTicket("t-1", Intake(Project, Away));
        await OpenTicket("t-2", Intake(Project, Away, TicketKind.Repair));
        var answered = await OpenTicket("t-3", Intake(Project, Away, TicketKind.Inquiry, answeredOnCall: true));
        await OpenTicket("t-4", Intake(Project, Away, TicketKind.Lookup));

        Assert.Equal(TicketStatus.Closed, answered.Status);
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"), ("t-2", "GC-20260302-0002"), ("t-4", "GC-20260302-0004"));
        var row = Assert.Single((await ReadModels.QueryAsync<AgentFloorRow>(new ReadModelQuery(AgentGrain.FloorModel, [Project]))).Items);
        Assert.Equal((Away, 3), (row.Id, row.OpenTickets));
    }

    [Fact]
    public async Task A_closed_ticket_leaves_the_open_list()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OpenTicket("t-1", Intake(Project, Away, TicketKind.Lookup));
        await OpenTicket("t-2", Intake(Project, Away));
        await OpenTicket("t-3", Intake(Project, Away, TicketKind.Suggestion));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"), ("t-2", "GC-20260302-0002"), ("t-3", "GC-20260302-0003"));

        // A lookup answered, a suggestion forwarded (and so closed), a complaint closed at the callback.
        await Step("t-1", t => t.Answer("物业费已于3月1日到账", Away, null));
        await ExpectOpenTickets(Away, ("t-2", "GC-20260302-0002"), ("t-3", "GC-20260302-0003"));
        await Step("t-3", t => t.Forward("客服中心", Away, null));
        await ExpectOpenTickets(Away, ("t-2", "GC-20260302-0002"));
        await Step("t-2", t => t.Forward("工程部", Away, null));
        await Step("t-2", t => t.Verify(false, "灯已于当日修复", true, "工程部-李工", null));
        await Step("t-2", t => t.NotifyCustomer("已核实,灯已修复", Away, null));
        var closed = await Step("t-2", t => t.RecordCallback(CallbackOutcome.Satisfied, null, Away, null));

        Assert.Equal((TicketStatus.Closed, "Satisfied"), (closed.Status, closed.Resolution));
        await ExpectOpenTickets(Away);
    }

    [Fact]
    public async Task A_ticket_reassigned_to_another_agent_moves_from_one_open_list_to_the_other()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OnDuty(Colleague);
        await OpenTicket("t-1", Intake(Project, Away));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));

        var moved = await Step("t-1", t => t.Reassign(Colleague, null, "熟悉该楼栋", Supervisor, null));

        Assert.Equal(Colleague, moved.Agent);
        await ExpectOpenTickets(Away);
        await ExpectOpenTickets(Colleague, ("t-1", "GC-20260302-0001"));
        var reassigned = Assert.Single(await WaitForEvents<TicketReassigned>(1));
        Assert.Equal((Away, Colleague, "熟悉该楼栋", Supervisor), (reassigned.FromAgent, reassigned.ToAgent, reassigned.Reason, reassigned.Actor));

        // Moving only the department leaves the ticket where it is; moving it back brings it back.
        await Step("t-1", t => t.Reassign(null, "工程部", "转工程部", Supervisor, null));
        await Step("t-1", t => t.Reassign(Away, null, "原坐席已回", Supervisor, null));
        await ExpectOpenTickets(Colleague);
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));
    }

    [Theory]
    [InlineData(Presence.Leave, "On leave")]
    [InlineData(Presence.Offline, "Off shift")]
    public async Task An_agent_going_away_hands_every_open_ticket_to_the_delegate(Presence away, string why)
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OnDuty(Delegate);
        await OpenTicket("t-1", Intake(Project, Away));
        await OpenTicket("t-2", Intake(Project, Away, TicketKind.Repair));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"), ("t-2", "GC-20260302-0002"));
        Clock.Advance(TimeSpan.FromMinutes(30));

        // A delegate named while the agent is on duty takes nothing over yet.
        var named = await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);
        Assert.Equal((Delegate, 2), (named.Delegate, named.OpenTickets.Count));

        var gone = await Grains.GetGrain<IAgentGrain>(Away).SetPresence(away, Away);

        Assert.Empty(gone.OpenTickets);
        var reason = $"{why}: handed over to the delegate (代办人) {Delegate}";
        var handed = await WaitForEvents<TicketReassigned>(2);
        Assert.Equal(["t-1", "t-2"], handed.Select(e => e.TicketId).Order());
        Assert.All(handed, e => Assert.Equal((Away, Delegate, reason, Away, Start.AddMinutes(30)), (e.FromAgent, e.ToAgent, e.Reason, e.Actor, e.OccurredAt)));
        Assert.Equal(Delegate, (await Ticket("t-1")).Agent);
        Assert.Equal(Delegate, (await Ticket("t-2")).Agent);
        await ExpectOpenTickets(Delegate, ("t-1", "GC-20260302-0001"), ("t-2", "GC-20260302-0002"));
        await ExpectOpenTickets(Away);
        var handOvers = await Grains.GetGrain<IAgentGrain>(Away).GetHandOvers();
        Assert.Equal(
            [new TicketHandOver("t-1", "GC-20260302-0001", Delegate, Start.AddMinutes(30), reason), new TicketHandOver("t-2", "GC-20260302-0002", Delegate, Start.AddMinutes(30), reason)],
            handOvers.OrderBy(h => h.TicketId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_agent_going_away_while_the_delegate_is_away_too_keeps_the_tickets()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OnDuty(Delegate);
        await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);
        await Grains.GetGrain<IAgentGrain>(Delegate).SetPresence(Presence.Leave, Delegate);
        await OpenTicket("t-1", Intake(Project, Away));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));

        var gone = await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);

        Assert.Equal(["t-1"], gone.OpenTickets.Select(t => t.TicketId));
        Assert.Empty(await Grains.GetGrain<IAgentGrain>(Away).GetHandOvers());
        Assert.Equal(Away, (await Ticket("t-1")).Agent);
    }

    [Fact]
    public async Task A_late_message_of_an_earlier_assignment_does_not_undo_a_later_one()
    {
        await OnDuty(Away);

        // The release that ended assignment 1 overtook its track: the ticket never shows.
        await Grains.GetGrain<IAgentGrain>(Away).Deliver(new ReleaseTicket("t-9", 1));
        await Grains.GetGrain<IAgentGrain>(Away).Deliver(new TrackTicket("t-9", "GC-20260302-0009", 1));
        // The ticket came back to the agent (assignment 3) before the release of assignment 2 arrived: it stays.
        await Grains.GetGrain<IAgentGrain>(Away).Deliver(new TrackTicket("t-8", "GC-20260302-0008", 3));
        await Grains.GetGrain<IAgentGrain>(Away).Deliver(new ReleaseTicket("t-8", 2));

        await ExpectOpenTickets(Away, ("t-8", "GC-20260302-0008"));
    }

    [Fact]
    public async Task Without_a_delegate_the_tickets_stay_with_the_agent_on_leave()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OpenTicket("t-1", Intake(Project, Away));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));

        var gone = await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);
        await OpenTicket("t-2", Intake(Project, Away));

        Assert.Equal(["t-1"], gone.OpenTickets.Select(t => t.TicketId));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"), ("t-2", "GC-20260302-0002"));
        Assert.Empty(await Grains.GetGrain<IAgentGrain>(Away).GetHandOvers());
        Assert.Equal(Away, (await Ticket("t-1")).Agent);
        Assert.Equal(Away, (await Ticket("t-2")).Agent);
        Assert.Empty(Events.Of<TicketReassigned>());
    }

    [Fact]
    public async Task Naming_a_delegate_for_an_agent_already_on_leave_hands_the_tickets_over_at_once()
    {
        await ConfigureProject(Project);
        await OnDuty(Away);
        await OnDuty(Delegate);
        await OpenTicket("t-1", Intake(Project, Away));
        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));
        await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);
        Clock.Advance(TimeSpan.FromHours(1));

        var named = await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);

        Assert.Empty(named.OpenTickets);
        var handed = Assert.Single(await WaitForEvents<TicketReassigned>(1));
        Assert.Equal(("t-1", Away, Delegate, OnLeave, Start.AddHours(1)), (handed.TicketId, handed.FromAgent, handed.ToAgent, handed.Reason, handed.OccurredAt));
        Assert.Equal(Delegate, (await Ticket("t-1")).Agent);
        await ExpectOpenTickets(Delegate, ("t-1", "GC-20260302-0001"));
        await ExpectOpenTickets(Away);
    }

    [Fact]
    public async Task A_ticket_received_for_an_agent_on_leave_goes_straight_to_the_delegate()
    {
        await ConfigureProject(Project);
        await OnDuty(Delegate);
        await OnDuty(Away);
        await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);
        await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);

        await OpenTicket("t-1", Intake(Project, Away));

        var handed = Assert.Single(await WaitForEvents<TicketReassigned>(1));
        Assert.Equal(("t-1", Away, Delegate, OnLeave, Away), (handed.TicketId, handed.FromAgent, handed.ToAgent, handed.Reason, handed.Actor));
        Assert.Equal(Delegate, (await Ticket("t-1")).Agent);
        await ExpectOpenTickets(Delegate, ("t-1", "GC-20260302-0001"));
        await ExpectOpenTickets(Away);
        Assert.Equal(["t-1"], (await Grains.GetGrain<IAgentGrain>(Away).GetHandOvers()).Select(h => h.TicketId));
    }

    [Fact]
    public async Task A_ticket_reassigned_to_an_agent_on_leave_goes_straight_to_the_delegate()
    {
        await ConfigureProject(Project);
        await OnDuty(Colleague);
        await OnDuty(Delegate);
        await OnDuty(Away);
        await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);
        await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);
        await OpenTicket("t-1", Intake(Project, Colleague));
        await ExpectOpenTickets(Colleague, ("t-1", "GC-20260302-0001"));

        await Step("t-1", t => t.Reassign(Away, null, "业主点名要1001跟进", Supervisor, null));

        var moves = await WaitForEvents<TicketReassigned>(2);
        Assert.Equal(
            [(Colleague, Away, Supervisor), (Away, Delegate, Away)],
            moves.OrderBy(e => e.FromAgent == Colleague ? 0 : 1).Select(e => (e.FromAgent, e.ToAgent, e.Actor)));
        Assert.Equal(Delegate, (await Ticket("t-1")).Agent);
        await ExpectOpenTickets(Delegate, ("t-1", "GC-20260302-0001"));
        await ExpectOpenTickets(Colleague);
        await ExpectOpenTickets(Away);
    }

    [Fact]
    public async Task A_ticket_for_an_agent_whose_delegate_is_away_too_stays_with_the_agent()
    {
        await ConfigureProject(Project);
        await Register(Delegate); // registered, still off shift
        await OnDuty(Away);
        await Grains.GetGrain<IAgentGrain>(Away).SetDelegate(Delegate, Supervisor);
        await Grains.GetGrain<IAgentGrain>(Away).SetPresence(Presence.Leave, Away);

        await OpenTicket("t-1", Intake(Project, Away));

        await ExpectOpenTickets(Away, ("t-1", "GC-20260302-0001"));
        Assert.Empty(await Grains.GetGrain<IAgentGrain>(Away).GetHandOvers());
        Assert.Equal(Away, (await Ticket("t-1")).Agent);
    }

    private Task<AgentView> Register(string agentId) =>
        Grains.GetGrain<IAgentGrain>(agentId).Register(new AgentProfile
        {
            WorkNumber = agentId["agent-".Length..],
            Name = "张敏",
            Projects = [Project],
            Departments = ["客服中心"],
        });

    /// <summary>Registers the agent and makes them Available (a new agent starts off shift, which counts as away).</summary>
    private async Task OnDuty(string agentId)
    {
        await Register(agentId);
        await Grains.GetGrain<IAgentGrain>(agentId).SetPresence(Presence.Available, agentId);
    }

    private Task<TicketState> Step(string ticketId, Func<ITicketGrain, Task<TicketState>> step) =>
        step(Grains.GetGrain<ITicketGrain>(ticketId));

    /// <summary>Waits until the agent's open tickets are exactly <paramref name="expected"/> (in ticket-number order).</summary>
    private async Task ExpectOpenTickets(string agentId, params (string TicketId, string Number)[] expected)
    {
        IReadOnlyList<(string, string)> open = [];
        try
        {
            await Eventually.Until(async () =>
            {
                var view = await Grains.GetGrain<IAgentGrain>(agentId).GetView(Now);
                open = [.. view!.OpenTickets.Select(t => (t.TicketId, t.TicketNumber))];
                return open.SequenceEqual(expected);
            }, $"{agentId}'s open tickets to be [{string.Join(", ", expected)}]", TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Assert.Equal(expected, open);
            throw;
        }
    }
}
