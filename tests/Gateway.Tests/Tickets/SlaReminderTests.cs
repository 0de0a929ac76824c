using HotlineGrains.Contracts;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// The SLA clocks are reminders on the ticket: with a short policy (target 10 working minutes,
/// deadline 20, at risk at 80%) the warning, the missed target and the breach arrive from the
/// reminders alone, in order, while nobody touches the ticket.
/// </summary>
public abstract class SlaReminderTests(string provider) : ClockedGateway(provider)
{
    private const string Project = "short-sla";

    [Fact]
    public async Task Warning_target_missed_and_breach_arrive_in_order_from_reminders_alone()
    {
        await ConfigureShortPolicy();
        var ticket = await Api.Intake(Project, Complaint(c => c["category"] = "噪音"));
        var id = Id(ticket);
        Assert.Equal(Start.AddMinutes(10), DueAt(ticket, "Target"));
        Assert.Equal(Start.AddMinutes(20), DueAt(ticket, "Deadline"));
        await WaitForEvents(id, 2); // received, assigned

        // Nothing is due before the first at-risk instant.
        Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Empty(EventsOf(id).OfType<TicketSlaEvent>());

        Clock.Advance(TimeSpan.FromMinutes(1)); // 8': target at risk
        var targetAtRisk = await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Target");
        Clock.Advance(TimeSpan.FromMinutes(2)); // 10': target missed
        var targetMissed = await WaitFor<TicketSlaTargetMissed>(id, e => e.Clock == "Target");
        Clock.Advance(TimeSpan.FromMinutes(6)); // 16': deadline at risk
        var deadlineAtRisk = await WaitFor<TicketSlaWarning>(id, e => e.Clock == "Deadline");
        Clock.Advance(TimeSpan.FromMinutes(4)); // 20': breached
        var breached = await WaitFor<TicketSlaBreached>(id);
        var escalated = await WaitFor<TicketEscalated>(id);

        Assert.Equal(
            [(Start.AddMinutes(8), Start.AddMinutes(10)), (Start.AddMinutes(10), Start.AddMinutes(10)), (Start.AddMinutes(16), Start.AddMinutes(20)), (Start.AddMinutes(20), Start.AddMinutes(20))],
            new TicketSlaEvent[] { targetAtRisk, targetMissed, deadlineAtRisk, breached }.Select(e => (e.OccurredAt, e.DueAt)));
        Assert.Equal(
            [nameof(TicketSlaWarning), nameof(TicketSlaTargetMissed), nameof(TicketSlaWarning), nameof(TicketSlaBreached), nameof(TicketEscalated)],
            EventsOf(id).Where(e => e is TicketSlaEvent or TicketEscalated).Select(e => e.GetType().Name));
        Assert.All(new TicketEvent[] { targetAtRisk, targetMissed, deadlineAtRisk, breached, escalated }, e => Assert.Equal("system:sla", e.Actor));
        Assert.Equal(1, escalated.Level);

        ticket = await Api.Ticket(id);
        Assert.Equal(("Missed", "Breached"), (ClockState(ticket, "Target"), ClockState(ticket, "Deadline")));
        Assert.Equal(Start.AddMinutes(10), ticket.GetProperty("customerUpdateDueSince").GetDateTimeOffset());
        Assert.Equal(1, ticket.GetProperty("escalationLevel").GetInt32());
        Assert.True(Clock(ticket, "Deadline").GetProperty("remainingWorkingSeconds").GetDouble() <= 0);

        // Every event was raised once, however often the reminders fire later.
        Clock.Advance(TimeSpan.FromHours(2));
        ticket = await Api.Ticket(id);
        Assert.Equal(4, EventsOf(id).OfType<TicketSlaEvent>().Count());
    }

    [Fact]
    public async Task A_ticket_waiting_on_the_customer_raises_nothing_until_it_resumes()
    {
        await ConfigureShortPolicy();
        var ticket = await Api.Intake(Project, Complaint());
        var id = Id(ticket);
        ticket = await Api.Step(ticket, "forward", new { department = "工程部" });
        ticket = await Api.Step(ticket, "verify", new { founded = true, findings = "需业主配合入户查看。" });
        Clock.Advance(TimeSpan.FromMinutes(5));
        ticket = await Api.Step(ticket, "wait-on-customer", new { reason = "业主出差,周末回来" });
        Assert.Equal("Paused", ClockState(ticket, "Target"));

        // Two hours of service time pass while the customer is away (resuming at 11:05, before lunch).
        Clock.Advance(TimeSpan.FromHours(2));
        ticket = await Api.Ticket(id);
        Assert.Empty(EventsOf(id).OfType<TicketSlaEvent>());

        ticket = await Api.Step(ticket, "resume");
        // 5 working minutes were used before the pause: the target is 5 minutes after resuming.
        Assert.Equal(Now.AddMinutes(5), DueAt(ticket, "Target"));
        Clock.Advance(TimeSpan.FromMinutes(5));
        var missed = await WaitFor<TicketSlaTargetMissed>(id);
        Assert.Equal(Now, missed.DueAt);
    }

    private Task ConfigureShortPolicy() => Api.Put($"/api/projects/{Project}", new
    {
        name = "SLA 演示项目",
        greeting = "您好,这里是维邦物业客服中心,为您服务",
        ticketPrefix = "SLA",
        serviceLevels = new
        {
            complaint = new
            {
                general = new { firstReply = (object?)null, target = new { minutes = 10 }, deadline = new { minutes = 20 } },
            },
        },
    });
}

public sealed class SqliteSlaReminderTests() : SlaReminderTests("Sqlite");

public sealed class PostgresSlaReminderTests() : SlaReminderTests("Postgres");
