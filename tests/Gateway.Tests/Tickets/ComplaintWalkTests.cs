using System.Text.Json;
using HotlineGrains.Contracts;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// Complaints walked through the REST API from intake to close (SPEC §3), checking every event
/// that leaves the outbox and every SLA due time (SPEC §4.1, default policy, default calendar:
/// Monday to Friday 08:00–12:00 and 13:30–17:30 in Shanghai).
/// </summary>
public abstract class ComplaintWalkTests(string provider) : ClockedGateway(provider)
{
    private const string Project = "weibang-plaza";

    [Fact]
    public async Task A_general_complaint_goes_from_intake_to_close_through_every_step()
    {
        var ticket = await Api.Intake(Project, Complaint(), idempotencyKey: "call-0001");
        var id = Id(ticket);

        Assert.Equal("Received", Status(ticket));
        Assert.Matches(@"^GC-20260302-0001$", ticket.GetProperty("number").GetString());
        // Received Monday 09:00: first reply within 2 working hours, target 1 working day, deadline 3.
        Assert.Equal(At("2026-03-02T03:00Z"), DueAt(ticket, "FirstReply"));
        Assert.Equal(At("2026-03-02T02:36Z"), Clock(ticket, "FirstReply").GetProperty("atRiskAt").GetDateTimeOffset());
        Assert.Equal(At("2026-03-03T01:00Z"), DueAt(ticket, "Target"));
        Assert.Equal(At("2026-03-05T01:00Z"), DueAt(ticket, "Deadline"));
        Assert.All(ticket.GetProperty("sla").EnumerateArray(), c => Assert.Equal("Running", c.GetProperty("state").GetString()));
        Assert.Equal(["forward", "reply", "reassign", "escalate", "classify"], Names(ticket.GetProperty("allowedSteps")));

        Clock.Advance(TimeSpan.FromMinutes(10));
        ticket = await Api.Step(ticket, "forward", new { department = "工程部" });
        Assert.Equal(("Forwarded", "工程部"), (Status(ticket), ticket.GetProperty("department").GetString()));

        Clock.Advance(TimeSpan.FromMinutes(20));
        ticket = await Api.Step(ticket, "verify", new { founded = true, findings = "B区三盏灯镇流器损坏。", solvableAtOnce = true }, user: "dept-engineering");
        Assert.Equal(("InProgress", 0), (Status(ticket), ticket.GetProperty("escalationLevel").GetInt32()));

        Clock.Advance(TimeSpan.FromMinutes(30));
        ticket = await Api.Step(ticket, "resolve",
            new { plan = "更换镇流器和灯管", result = "三盏灯已修复", handler = "赵师傅", departmentManager = "工程部孙经理" }, user: "dept-engineering");
        Assert.Equal("Resolved", Status(ticket));
        Assert.Equal("Met", ClockState(ticket, "Target"));
        Assert.Equal("Met", ClockState(ticket, "Deadline"));

        // Monday 10:30: the customer hears the result within the first-reply clock.
        Clock.Advance(TimeSpan.FromMinutes(30));
        ticket = await Api.Step(ticket, "notify-customer", new { message = "王先生您好,车库照明已修复,感谢您的反映。" });
        Assert.Equal("CustomerNotified", Status(ticket));
        Assert.Equal("Met", ClockState(ticket, "FirstReply"));
        var callbackDue = ticket.GetProperty("nextCallback").GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(At("2026-03-03T02:30Z"), callbackDue); // one working day after the notice

        // The callback reminder announces the callback when it falls due, with no request touching the ticket.
        Clock.AdvanceTo(callbackDue);
        var due = await WaitFor<CallbackDue>(id);
        Assert.Equal((callbackDue, 1, "Feedback"), (due.DueAt, due.Attempt, due.Purpose));

        Clock.Advance(TimeSpan.FromMinutes(5));
        ticket = await Api.Ticket(id);
        ticket = await Api.Step(ticket, "record-callback", new { outcome = "Satisfied", note = "业主满意" });
        Assert.Equal(("Closed", "Satisfied"), (Status(ticket), ticket.GetProperty("resolution").GetString()));
        Assert.Equal(["sign-off"], Names(ticket.GetProperty("allowedSteps")));

        ticket = await Api.Step(ticket, "sign-off", user: "pm-plaza");
        Assert.Equal("pm-plaza", ticket.GetProperty("signOff").GetProperty("projectManager").GetString());

        var events = await WaitForEvents(id, 15);
        Assert.Equal(
        [
            nameof(TicketStatusChanged), nameof(TicketReceived), nameof(TicketAssigned),
            nameof(TicketStatusChanged), nameof(TicketForwarded),
            nameof(TicketStatusChanged), nameof(TicketVerified),
            nameof(TicketStatusChanged), nameof(TicketResolved),
            nameof(TicketStatusChanged), nameof(CustomerNotified),
            nameof(CallbackDue),
            nameof(CallbackRecorded), nameof(TicketStatusChanged), nameof(TicketClosed),
        ], events);
        var all = EventsOf(id);
        Assert.Equal(15, all.Count);
        Assert.All(all, e =>
        {
            Assert.Equal((Project, "GC-20260302-0001", 1), (e.ProjectId, e.TicketNumber, e.SchemaVersion));
            Assert.NotEqual(Guid.Empty, e.EventId);
        });
        Assert.Equal(all.Count, all.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(["Received", "Received", "Forwarded", "InProgress", "Resolved", "CustomerNotified", "Closed"],
            all.Where(e => e is TicketReceived or TicketStatusChanged).Select(e => e.Status));
        Assert.Equal(("dept-engineering", true), (all.OfType<TicketVerified>().Single().Actor, all.OfType<TicketVerified>().Single().Founded));
        Assert.Equal(Start.AddMinutes(60), all.OfType<TicketResolved>().Single().OccurredAt);
        Assert.Empty(all.OfType<TicketSlaEvent>());

        var timeline = ticket.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("what").GetString()).ToList();
        Assert.Equal(["Recorded", "Received", "Forwarded", "Verified founded", "Resolved", "Customer notified", "Callback due", "Closed", "Signed off"], timeline);
    }

    [Fact]
    public async Task An_unfounded_complaint_is_explained_to_the_customer_and_closed_after_the_callback()
    {
        var ticket = await Api.Intake(Project, Complaint(c => c["category"] = "服务态度"));
        var id = Id(ticket);
        ticket = await Api.Step(ticket, "forward", new { department = "秩序部" });
        Clock.Advance(TimeSpan.FromHours(1));
        ticket = await Api.Step(ticket, "verify", new { founded = false, findings = "调取监控:门岗按规定登记访客,用语规范。" }, user: "dept-security");

        Assert.Equal("Unfounded", Status(ticket));
        Assert.Equal(["notify-customer", "reply", "reassign", "escalate", "classify"], Names(ticket.GetProperty("allowedSteps")));
        var refused = await Api.Send(HttpMethod.Post, $"/api/tickets/{id}/resolve",
            new { plan = "x", result = "y", handler = "z" }, ifMatch: ticket.GetProperty("eTag").GetString());
        Assert.Equal(409, (int)refused.StatusCode);

        ticket = await Api.Step(ticket, "notify-customer", new { message = "经核实门岗按规定登记访客,给您带来不便敬请谅解。" });
        Assert.Equal(At("2026-03-03T02:00Z"), ticket.GetProperty("nextCallback").GetProperty("dueAt").GetDateTimeOffset());
        ticket = await Api.Step(ticket, "record-callback", new { outcome = "Satisfied", note = "业主表示理解" });

        Assert.Equal(("Closed", "Satisfied"), (Status(ticket), ticket.GetProperty("resolution").GetString()));
        // Answered within the first-reply clock; an unfounded complaint is not "resolved", so target and deadline stop at the close.
        Assert.Equal("Met", ClockState(ticket, "FirstReply"));
        var events = await WaitForEvents(id, 12);
        Assert.Equal(
        [
            nameof(TicketStatusChanged), nameof(TicketReceived), nameof(TicketAssigned),
            nameof(TicketStatusChanged), nameof(TicketForwarded),
            nameof(TicketStatusChanged), nameof(TicketVerified),
            nameof(TicketStatusChanged), nameof(CustomerNotified),
            nameof(CallbackRecorded), nameof(TicketStatusChanged), nameof(TicketClosed),
        ], events);
        var verified = EventsOf(id).OfType<TicketVerified>().Single();
        Assert.Equal((false, "Unfounded"), (verified.Founded, verified.Status));
        Assert.Empty(EventsOf(id).OfType<TicketResolved>());
    }

    [Fact]
    public async Task An_unsatisfied_callback_reopens_the_complaint_and_escalates_it()
    {
        var ticket = await Api.Intake(Project, Complaint());
        var id = Id(ticket);
        ticket = await Api.Step(ticket, "forward", new { department = "工程部" });
        ticket = await Api.Step(ticket, "verify", new { founded = true, findings = "灯具老化。" });
        ticket = await Api.Step(ticket, "resolve", new { plan = "更换灯管", result = "已更换", handler = "赵师傅" });
        ticket = await Api.Step(ticket, "notify-customer", new { message = "已修复。" });
        Clock.Advance(TimeSpan.FromHours(3));

        ticket = await Api.Step(ticket, "record-callback", new { outcome = "Unsatisfied", note = "还有一盏灯不亮" });

        Assert.Equal(("InProgress", 1), (Status(ticket), ticket.GetProperty("escalationLevel").GetInt32()));
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("nextCallback").ValueKind);
        Assert.Contains("resolve", Names(ticket.GetProperty("allowedSteps")));
        var reopened = await WaitFor<TicketReopened>(id);
        var escalated = await WaitFor<TicketEscalated>(id);
        var recorded = await WaitFor<CallbackRecorded>(id);
        Assert.Equal(("还有一盏灯不亮", "InProgress"), (reopened.Reason, reopened.Status));
        Assert.Equal((1, "Customer unsatisfied at callback"), (escalated.Level, escalated.Reason));
        Assert.Equal(("Unsatisfied", 1), (recorded.Outcome, recorded.Attempt));
        var order = EventsOf(id).Select(e => e.GetType().Name).ToList();
        Assert.True(order.IndexOf(nameof(CallbackRecorded)) < order.IndexOf(nameof(TicketReopened))
            && order.IndexOf(nameof(TicketReopened)) < order.IndexOf(nameof(TicketEscalated)), string.Join(", ", order));

        // The department handles it again; this time the customer is satisfied.
        ticket = await Api.Step(ticket, "resolve", new { plan = "检查线路", result = "线路接头松动,已紧固", handler = "赵师傅" });
        ticket = await Api.Step(ticket, "notify-customer", new { message = "线路已修好。" });
        ticket = await Api.Step(ticket, "record-callback", new { outcome = "Satisfied" });
        Assert.Equal("Closed", Status(ticket));
        Assert.Equal(2, ticket.GetProperty("callbacks").GetArrayLength());
        await WaitFor<TicketClosed>(id);
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Names(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

public sealed class SqliteComplaintWalkTests() : ComplaintWalkTests("Sqlite");

public sealed class PostgresComplaintWalkTests() : ComplaintWalkTests("Postgres");
