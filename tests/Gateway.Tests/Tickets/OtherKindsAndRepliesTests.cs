using System.Globalization;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// Inquiries, lookups, suggestions and repairs (SPEC §3), the answer promised for a question that
/// cannot be answered on the spot (2 or 16 working hours, seed 000 §七 4.3), replies checked
/// against the forbidden phrases (SPEC §7), and a policy edit moving an open ticket's reminders.
/// </summary>
public sealed class OtherKindsAndRepliesTests() : ClockedGateway("Sqlite")
{
    private const string Project = "weibang-olympic-garden";

    [Fact]
    public async Task An_inquiry_answered_on_the_call_is_closed_at_once_without_clocks()
    {
        var ticket = await Api.Intake(Project, Complaint(c => (c["kind"], c["answeredOnCall"], c["category"]) = ("Inquiry", true, "其他")));

        Assert.Equal(("Closed", "Answered"), (Status(ticket), ticket.GetProperty("resolution").GetString()));
        Assert.Equal(0, ticket.GetProperty("sla").GetArrayLength());
        var events = await WaitForEvents(Id(ticket), 5);
        Assert.Equal([nameof(TicketStatusChanged), nameof(TicketReceived), nameof(TicketAssigned), nameof(TicketStatusChanged), nameof(TicketClosed)], events);
    }

    [Theory]
    [InlineData(false, "2026-03-02T03:00Z")] // simple: 2 working hours
    [InlineData(true, "2026-03-04T01:00Z")] // difficult: 16 working hours, two service days
    public async Task A_question_not_answerable_on_the_spot_gets_a_promised_answer_time(bool difficult, string answerDue)
    {
        var ticket = await Api.Intake(Project, Complaint(c => (c["kind"], c["answerIsDifficult"]) = ("Inquiry", difficult)));

        Assert.Equal("AwaitingAnswer", Status(ticket));
        Assert.Equal(At(answerDue), ticket.GetProperty("answerDueAt").GetDateTimeOffset());
        // If there is still no answer after 16 working hours, the customer gets a call to explain.
        Assert.Equal((At("2026-03-04T01:00Z"), "Interim"),
            (ticket.GetProperty("nextCallback").GetProperty("dueAt").GetDateTimeOffset(), ticket.GetProperty("nextCallback").GetProperty("purpose").GetString()));

        Clock.Advance(TimeSpan.FromMinutes(50));
        ticket = await Api.Step(ticket, "answer", new { answer = "物业服务中心工作时间为每天8:00至17:30。" });
        Assert.Equal(("Closed", "Answered"), (Status(ticket), ticket.GetProperty("resolution").GetString()));
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("nextCallback").ValueKind);
        var notified = await WaitFor<CustomerNotified>(Id(ticket));
        Assert.Equal(Start.AddMinutes(50), notified.OccurredAt);
    }

    [Fact]
    public async Task A_lookup_must_be_answered_within_a_minute()
    {
        var ticket = await Api.Intake(Project, Complaint(c => (c["kind"], c["category"]) = ("Lookup", "收费")));

        Assert.Equal(Start.AddMinutes(1), DueAt(ticket, "Deadline"));
        Clock.Advance(TimeSpan.FromSeconds(61));
        await WaitFor<TicketSlaBreached>(Id(ticket));
        ticket = await Api.Ticket(Id(ticket));
        ticket = await Api.Step(ticket, "answer", new { answer = "您本月物业费已缴清。" });
        Assert.Equal("Closed", Status(ticket));
    }

    [Fact]
    public async Task A_suggestion_is_forwarded_to_the_responsible_department_and_closed()
    {
        var ticket = await Api.Intake(Project, Complaint(c => (c["kind"], c["category"]) = ("Suggestion", "绿化")));
        ticket = await Api.Step(ticket, "forward", new { department = "绿化部" });

        Assert.Equal(("Closed", "Forwarded", "绿化部"), (Status(ticket), ticket.GetProperty("resolution").GetString(), ticket.GetProperty("department").GetString()));
        await WaitFor<TicketForwarded>(Id(ticket), e => e.Department == "绿化部");
    }

    [Fact]
    public async Task A_repair_becomes_an_on_site_work_order_for_a_department()
    {
        var ticket = await Api.Intake(Project, Complaint(c => (c["kind"], c["content"]) = ("Repair", "厨房下水道堵塞")));
        Assert.Equal(["dispatch", "reply", "reassign", "escalate", "classify"], ticket.GetProperty("allowedSteps").EnumerateArray().Select(s => s.GetString()));

        ticket = await Api.Step(ticket, "dispatch", new { department = "工程部" });

        Assert.Equal(("InProgress", "工程部"), (Status(ticket), ticket.GetProperty("department").GetString()));
        Assert.Equal(At("2026-03-02T03:00Z"), DueAt(ticket, "FirstReply"));
        var assigned = await WaitFor<TicketAssigned>(Id(ticket), e => e.Department == "工程部");
        Assert.Equal("agent-1001", assigned.Agent);
    }

    [Fact]
    public async Task A_reply_with_forbidden_phrases_is_recorded_and_the_answer_names_each_phrase()
    {
        var ticket = await Api.Intake(Project, Complaint());
        const string text = "王先生,这个问题没办法,不行就是不行。";

        var check = await Api.Send(HttpMethod.Post, $"/api/projects/{Project}/phrases/check", new { text });
        var found = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement.GetProperty("forbiddenPhrases");
        Assert.Equal(["不行就是不行", "没办法"], found.EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(ticket.GetProperty("eTag").GetString(), (await Api.Ticket(Id(ticket))).GetProperty("eTag").GetString());

        var replied = await Api.Step(ticket, "reply", new { text });

        Assert.Equal(["不行就是不行", "没办法"], replied.GetProperty("forbiddenPhrasesFound").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        var reply = Assert.Single(replied.GetProperty("replies").EnumerateArray());
        Assert.Equal(text, reply.GetProperty("text").GetString());
        Assert.Equal(2, reply.GetProperty("forbiddenPhrases").GetArrayLength());
        Assert.Equal("Met", ClockState(replied, "FirstReply")); // a reply to the customer is a first reply

        var clean = await Api.Step(replied, "reply", new { text = "王先生您好,我们已安排工程部今天下午上门查看。" });
        Assert.Equal(0, clean.GetProperty("forbiddenPhrasesFound").GetArrayLength());
    }

    [Fact]
    public async Task A_policy_edit_with_the_ticket_open_moves_its_reminders()
    {
        var ticket = await Api.Intake(Project, Complaint());
        Assert.Equal(At("2026-03-05T01:00Z"), DueAt(ticket, "Deadline"));

        var settings = await Api.Get($"/api/projects/{Project}");
        var edited = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        edited["serviceLevels"] = JsonSerializer.SerializeToElement(new
        {
            complaint = new { general = new { firstReply = (object?)null, target = new { minutes = 30 }, deadline = new { hours = 1 } } },
        });
        await Api.Put($"/api/projects/{Project}", edited);

        ticket = await Api.Ticket(Id(ticket));
        Assert.Equal(Start.AddHours(1), DueAt(ticket, "Deadline"));

        // The view reckons the clocks from the policy at once; the ticket moves its own reminder when
        // the project's message reaches it through the outbox. Only then may the clock pass 10:00,
        // or the ticket would re-plan after it, at a moment this clock never leaves.
        var reminders = Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("ticket", Id(ticket));
        await Eventually.Until(async () => (await reminders.ReadRow(grain, TicketGrain.SlaReminder))?.StartAt <= Start.AddHours(1).UtcDateTime,
            "the ticket moved its SLA reminder to the new policy");

        // The ticket's own reminders were moved: the new policy's moments come one by one (each
        // firing plans the next, so the clock stops at each), and the breach arrives at 10:00, not
        // on Thursday.
        Clock.AdvanceTo(Start.AddMinutes(24));
        Assert.Equal(Start.AddMinutes(30), (await WaitFor<TicketSlaWarning>(Id(ticket), e => e.Clock == "Target")).DueAt);
        Clock.AdvanceTo(Start.AddMinutes(30));
        Assert.Equal(Start.AddMinutes(30), (await WaitFor<TicketSlaTargetMissed>(Id(ticket))).DueAt);
        Clock.AdvanceTo(Start.AddMinutes(48));
        Assert.Equal(Start.AddHours(1), (await WaitFor<TicketSlaWarning>(Id(ticket), e => e.Clock == "Deadline")).DueAt);
        Clock.AdvanceTo(Start.AddHours(1));
        var breached = await WaitFor<TicketSlaBreached>(Id(ticket));
        Assert.Equal((Start.AddHours(1), Start.AddHours(1)), (breached.DueAt, breached.OccurredAt));
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
}
