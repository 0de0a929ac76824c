using System.Text.Json;
using HotlineGrains.Gateway.Floor;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Floor;

/// <summary>
/// The board a board grain keeps change by change equals the board worked out afresh from storage
/// (<see cref="WallboardReader"/>) after every step of a scripted day on the floor: calls offered,
/// answered and abandoned, tickets through every status, an escalation, SLA reminders firing, an
/// agent over the break limit, a callback, and the project's midnight. Every field is compared
/// (counts, lists, their order, countdown targets), all but the instant the board was made and its numbering.
/// </summary>
public abstract class BoardFidelityTests(string provider) : ClockedGateway(provider)
{
    private const string Project = "weibang-plaza";

    /// <summary>Midnight in Shanghai after the first day (16:00 UTC).</summary>
    private static readonly DateTimeOffset Midnight = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_kept_board_equals_the_board_from_storage_after_every_step_of_a_day()
    {
        await Agrees("the day begins", b => b.OpenTickets.Count == 0);

        await Api.Put("/api/agents/agent-7", new { workNumber = "1007", name = "周洁", projects = new[] { Project }, departments = Array.Empty<string>() });
        await Agrees("an agent joins the floor", b => b.Agents.Any(a => a.Id == "agent-7"));
        await Api.Put("/api/agents/agent-7/presence", new { presence = "Available" }, user: "agent-7");
        await Agrees("the agent is available", b => b.Agents.Single(a => a.Id == "agent-7").Presence == "Available");

        await Call("c-1", "Ringing");
        await Agrees("a call rings", b => b.Calls.Waiting == 1);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Call("c-1", "Answered");
        await Call("c-2", "Ringing");
        Clock.Advance(TimeSpan.FromSeconds(40));
        await Call("c-2", "Abandoned");
        await Call("c-3", "Ringing");
        await Agrees("answered, abandoned, one waiting", b => b.Calls is { AbandonedToday: 1, AnsweredToday: 1, Waiting: 1 });

        var general = await Api.Intake(Project, Complaint());
        var simple = await Api.Intake(Project, Complaint(c => (c["severity"], c["urgent"]) = ("Simple", true)));
        var inquiry = await Api.Intake(Project, Complaint(c => (c["kind"], c["answeredOnCall"], c["category"]) = ("Inquiry", true, "其他")));
        await Agrees("three tickets taken, the inquiry closed on the call", b =>
            b.OpenTickets.Any(t => t.TicketId == Id(simple)) && b.OpenTickets.Any(t => t.TicketId == Id(general)) && b.OpenTickets.All(t => t.TicketId != Id(inquiry)) && b.ClosedToday == 1);

        Clock.Advance(TimeSpan.FromMinutes(10));
        general = await Api.Step(general, "forward", new { department = "工程部" });
        await Agrees("forwarded", b => Status(b, general) == "Forwarded");
        Clock.Advance(TimeSpan.FromMinutes(20));
        general = await Api.Step(general, "verify", new { founded = true, findings = "B区三盏灯镇流器损坏。", solvableAtOnce = true }, user: "dept-engineering");
        await Agrees("verified", b => Status(b, general) == "InProgress");
        simple = await Api.Step(simple, "escalate", new { reason = "业主情绪激动" }, user: "supervisor-1");
        await Agrees("escalated", b => b.OpenTickets.Single(t => t.TicketId == Id(simple)).EscalationLevel == 1);

        await Api.Put("/api/agents/agent-7/presence", new { presence = "Break" }, user: "agent-7");
        await Agrees("on a break", b => b.Agents.Single(a => a.Id == "agent-7").Presence == "Break");
        Clock.Advance(TimeSpan.FromMinutes(16));
        await Agrees("over the break limit", b => b.Alerts.Any(a => a.Kind == "BreakLimit"));

        general = await Api.Step(general, "resolve",
            new { plan = "更换镇流器和灯管", result = "三盏灯已修复", handler = "赵师傅", departmentManager = "工程部孙经理" }, user: "dept-engineering");
        await Agrees("resolved", b => b.ResolvedToday >= 1 && Status(b, general) == "Resolved");
        general = await Api.Step(general, "notify-customer", new { message = "王先生您好,车库照明已修复,感谢您的反映。" });
        await Agrees("customer notified", b => Status(b, general) == "CustomerNotified" && b.OpenTickets.Single(t => t.TicketId == Id(general)).CallbackDueAt is not null);

        // The urgent simple complaint's clocks run out on reminders alone, one firing at a time.
        var target = Clock(simple, "Target");
        var deadline = Clock(simple, "Deadline");
        Clock.AdvanceTo(target.GetProperty("atRiskAt").GetDateTimeOffset());
        await Agrees("target at risk", b => SlaState(b, simple) == "AtRisk");
        Clock.AdvanceTo(target.GetProperty("dueAt").GetDateTimeOffset());
        await Agrees("target missed", b => SlaState(b, simple) == "Missed");
        Clock.AdvanceTo(deadline.GetProperty("atRiskAt").GetDateTimeOffset());
        await WaitFor<Contracts.TicketSlaWarning>(Id(simple), e => e.Clock == "Deadline");
        await Agrees("deadline at risk", b => SlaState(b, simple) == "Missed");
        Clock.AdvanceTo(deadline.GetProperty("dueAt").GetDateTimeOffset());
        await Agrees("breached", b => b.Alerts.Any(a => a.Kind == "SlaBreached" && a.TicketId == Id(simple)));

        await Api.Put("/api/agents/agent-7/presence", new { presence = "Available" }, user: "agent-7");
        await Agrees("back from the break", b => !b.Alerts.Any(a => a.Kind == "BreakLimit"));
        await Call("c-3", "Answered");
        await Agrees("the waiting call answered", b => b.Calls.Waiting == 0 && b.Calls.AnsweredToday == 2);

        // The project's midnight: today's counts start again, with no change to say so.
        Clock.AdvanceTo(Midnight.AddMinutes(5));
        await Agrees("a new day", b => b.Calls.OfferedToday == 0 && b.ResolvedToday == 0 && b.ClosedToday == 0);

        var callbackDue = (await Api.Ticket(Id(general))).GetProperty("nextCallback").GetProperty("dueAt").GetDateTimeOffset();
        Clock.AdvanceTo(callbackDue);
        await WaitFor<Contracts.CallbackDue>(Id(general));
        await Agrees("callback due", b => Status(b, general) == "CustomerNotified");
        Clock.Advance(TimeSpan.FromMinutes(5));
        general = await Api.Ticket(Id(general));
        general = await Api.Step(general, "record-callback", new { outcome = "Satisfied", note = "业主满意" });
        await Agrees("closed after a satisfied callback", b => b.ClosedToday == 1 && b.SatisfactionToday == 1.0 && b.OpenTickets.All(t => t.TicketId != Id(general)));
        Assert.True(deltas >= 10, $"the follower read {deltas} deltas; the rest were whole boards");
    }

    [Fact]
    public async Task A_board_whose_activation_went_away_is_built_again_from_storage_and_numbers_a_new_epoch()
    {
        var ticket = await Api.Intake(Project, Complaint());
        await Agrees("a ticket taken", b => b.OpenTickets.Any(t => t.TicketId == Id(ticket)));
        var grains = Services.GetRequiredService<IGrainFactory>();
        var before = await grains.GetGrain<IProjectBoardGrain>(Project).GetBoard();

        // As after its silo died: every idle activation of the cluster goes, the board with them. The
        // board is busy now and then (the node reads it on a refresh), and a busy one is not collected: again until it went.
        await Eventually.Until(async () =>
        {
            await grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            return (await grains.GetGrain<IProjectBoardGrain>(Project).GetBoard()).Epoch != before.Epoch;
        }, "the board's activation collected and a new one numbering a new epoch");

        Clock.Advance(TimeSpan.FromMinutes(1));
        ticket = await Api.Step(await Api.Ticket(Id(ticket)), "forward", new { department = "工程部" });
        await Agrees("forwarded, on a board built anew", b => Status(b, ticket) == "Forwarded");
    }

    [Fact]
    public async Task A_repeated_or_older_change_changes_nothing_and_takes_no_number()
    {
        var ticket = await Api.Intake(Project, Complaint());
        await Agrees("a ticket taken", b => b.OpenTickets.Any(t => t.TicketId == Id(ticket)));
        ticket = await Api.Step(ticket, "forward", new { department = "工程部" });
        await Agrees("forwarded", b => Status(b, ticket) == "Forwarded");
        var board = Services.GetRequiredService<IGrainFactory>().GetGrain<IProjectBoardGrain>(Project);
        var before = await board.GetBoard();
        var onBoard = before.Board!.OpenTickets.Single(t => t.TicketId == Id(ticket));

        // The intake's message again (version 1 of a ticket now at a later version), as a relay retrying after a crash would.
        await board.Deliver(new BoardTicketChanged(1, onBoard with { Status = "Received", Department = null }, null, null));

        var after = await board.GetBoard();
        Assert.Equal((before.Epoch, before.Sequence), (after.Epoch, after.Sequence));
        Assert.Equal("Forwarded", after.Board!.OpenTickets.Single(t => t.TicketId == Id(ticket)).Status);
    }

    private async Task Call(string callId, string kind)
    {
        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{Project}/calls", new { callId, @event = kind, at = Now }, user: "switch");
        Assert.True(response.IsSuccessStatusCode, $"call {callId} {kind}: {(int)response.StatusCode}");
    }

    private static string? SlaState(ProjectBoard board, JsonElement ticket) =>
        board.OpenTickets.SingleOrDefault(t => t.TicketId == Id(ticket))?.SlaState;

    private static string? Status(ProjectBoard board, JsonElement ticket) =>
        board.OpenTickets.SingleOrDefault(t => t.TicketId == Id(ticket))?.Status;

    /// <summary>
    /// Waits until storage shows the step (<paramref name="expect"/> on the reference board) and the
    /// board grain's board equals the reference, field by field; fails with both boards if it never does.
    /// </summary>
    private async Task Agrees(string step, Func<ProjectBoard, bool> expect)
    {
        var grain = Services.GetRequiredService<IGrainFactory>().GetGrain<IProjectBoardGrain>(Project);
        string expected = string.Empty, kept = string.Empty, followed = string.Empty;
        try
        {
            await Eventually.Until(async () =>
            {
                await using var scope = Services.CreateAsyncScope();
                var reference = await scope.ServiceProvider.GetRequiredService<WallboardReader>().ReadAsync(Project, CancellationToken.None);
                await FollowAsync(grain);
                var board = (await grain.GetBoard()).Board;
                expected = Comparable(reference);
                kept = Comparable(board);
                followed = Comparable(follower);
                return reference is not null && expect(reference) && expected == kept && kept == followed;
            }, step, TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"After '{step}' the kept board differs from storage's, or the one followed by its changes from it." +
                $"\nstorage:  {expected}\nkept:     {kept}\nfollowed: {followed}");
        }
    }

    /// <summary>A board kept as a gateway node keeps it: the whole board once, then only what changed since (the grain's deltas).</summary>
    private ProjectBoard? follower;

    private async Task FollowAsync(IProjectBoardGrain grain)
    {
        var news = follower is null ? await grain.GetBoard() : await grain.GetChangesSince(follower.Epoch, follower.Sequence);
        if (news.Delta is { } delta)
        {
            Assert.Equal((follower!.Epoch, follower.Sequence), (delta.Epoch, delta.FromSequence));
            follower = delta.ApplyTo(follower);
            deltas++;
        }
        else
        {
            follower = news.Board;
        }
    }

    private int deltas;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Comparable(ProjectBoard? board) =>
        board is null ? "null" : JsonSerializer.Serialize(board with { GeneratedAt = default, Epoch = 0, Sequence = 0 }, Json);
}

public sealed class SqliteBoardFidelityTests() : BoardFidelityTests("Sqlite");

public sealed class PostgresBoardFidelityTests() : BoardFidelityTests("Postgres");
