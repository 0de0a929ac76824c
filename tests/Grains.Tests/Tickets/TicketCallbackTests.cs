using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Testing;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Tickets;

/// <summary>
/// The 回访 through the ticket grain (SPEC §4.3): due 1 working day after the customer was notified,
/// never in quiet hours (18:00–08:00 Shanghai), announced by the ticket's reminder alone, tried
/// up to 3 times. Expected instants are worked out by hand from the calendar: by default Monday
/// to Friday 08:00–12:00 and 13:30–17:30, so 1 working day is 8 hours of that.
/// </summary>
public sealed class TicketCallbackTests() : ManualClockSiloTest(Shanghai(2026, 3, 2, 9, 0), bus =>
{
    bus.AddConsumer<EventRecorder<CallbackDue>>();
    bus.AddConsumer<EventRecorder<CallbackRecorded>>();
    bus.AddConsumer<EventRecorder<TicketClosed>>();
})
{
    private const string Project = "plaza";
    private const string Agent = "agent-1001";

    /// <summary>A 24-hour hotline: 1 working day is 8 clock hours, so a callback can fall due at night.</summary>
    private static readonly ServiceCalendar RoundTheClock = ServiceCalendar.Default with
    {
        WeeklyHours = [.. Enum.GetValues<DayOfWeek>().Select(day => new ServicePeriod(day, TimeOnly.MinValue, TimeOnly.MinValue))],
    };

    [Fact]
    public async Task The_callback_falls_due_one_working_day_after_the_customer_was_notified_and_the_reminder_announces_it()
    {
        await ConfigureProject(Project);
        var notified = await NotifiedComplaint("t-1");

        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 3, 9, 0), 1, CallbackPurpose.Feedback), notified.NextCallback);

        Clock.AdvanceTo(Shanghai(2026, 3, 3, 8, 59));
        Clock.AdvanceTo(Shanghai(2026, 3, 3, 9, 0));

        var due = Assert.Single(await WaitForEvents<CallbackDue>(1));
        Assert.Equal((Shanghai(2026, 3, 3, 9, 0), 1, "Feedback"), (due.DueAt, due.Attempt, due.Purpose));
        Assert.Equal(("t-1", "GC-20260302-0001", "system:callback", "CustomerNotified"), (due.TicketId, due.TicketNumber, due.Actor, due.Status));
        Assert.Equal(Shanghai(2026, 3, 3, 9, 0), due.OccurredAt);
        var ticket = await Ticket("t-1");
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 3, 9, 0), 1, CallbackPurpose.Feedback, Announced: true), ticket.NextCallback);
        var entry = Assert.Single(ticket.Timeline, e => e.What == "Callback due");
        Assert.Equal((Shanghai(2026, 3, 3, 9, 0), "system:callback", "Feedback #1"), (entry.At, entry.Actor, entry.Detail));
    }

    [Fact]
    public async Task A_customer_notified_late_on_Friday_is_called_back_at_the_same_time_on_Monday()
    {
        await ConfigureProject(Project);
        Clock.AdvanceTo(Shanghai(2026, 3, 6, 17, 0));

        // 30 minutes on Friday, then Monday 08:00–12:00 and 13:30–17:00.
        var notified = await NotifiedComplaint("t-1");
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 9, 17, 0), 1, CallbackPurpose.Feedback), notified.NextCallback);

        Clock.AdvanceTo(Shanghai(2026, 3, 9, 17, 0));

        var due = Assert.Single(await WaitForEvents<CallbackDue>(1));
        Assert.Equal((Shanghai(2026, 3, 9, 17, 0), 1, Shanghai(2026, 3, 9, 17, 0)), (due.DueAt, due.Attempt, due.OccurredAt));
    }

    [Theory]
    [InlineData(16, 30, 3, 8, 0)] // 8 hours later is 00:30 on Tuesday: quiet until 08:00
    [InlineData(10, 0, 3, 8, 0)] // 18:00, when the quiet hours begin
    [InlineData(9, 59, 2, 17, 59)] // 17:59 on Monday, still allowed
    public async Task A_callback_falling_due_in_quiet_hours_moves_to_08_00_the_next_morning(int hour, int minute, int dueDay, int dueHour, int dueMinute)
    {
        await ConfigureProject(Project, calendar: RoundTheClock);
        Clock.AdvanceTo(Shanghai(2026, 3, 2, hour, minute));
        var expected = Shanghai(2026, 3, dueDay, dueHour, dueMinute);

        var notified = await NotifiedComplaint("t-1");
        Assert.Equal(new ScheduledCallback(expected, 1, CallbackPurpose.Feedback), notified.NextCallback);

        Clock.AdvanceTo(expected);

        var due = Assert.Single(await WaitForEvents<CallbackDue>(1));
        Assert.Equal((expected, 1, expected), (due.DueAt, due.Attempt, due.OccurredAt));
    }

    [Fact]
    public async Task An_unreachable_customer_is_tried_again_twice_and_after_the_third_attempt_the_ticket_closes_as_Unreachable()
    {
        await ConfigureProject(Project);
        await NotifiedComplaint("t-1");

        // Attempt 1 on Tuesday 09:00; each retry 2 working hours after the failed call: 11:00, then
        // 1 hour before lunch and 1 after it, 14:30.
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 9, 0), attempt: 1);
        var retry = await Unreachable("t-1");
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 3, 11, 0), 2, CallbackPurpose.Feedback), retry.NextCallback);
        Assert.Equal(TicketStatus.CustomerNotified, retry.Status);

        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 11, 0), attempt: 2);
        retry = await Unreachable("t-1");
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 3, 14, 30), 3, CallbackPurpose.Feedback), retry.NextCallback);

        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 14, 30), attempt: 3);
        var closed = await Unreachable("t-1");

        Assert.Equal((TicketStatus.Closed, "Unreachable", Shanghai(2026, 3, 3, 14, 30)), (closed.Status, closed.Resolution, closed.ClosedAt));
        Assert.Null(closed.NextCallback);
        Assert.Equal([1, 2, 3], closed.Callbacks.Select(c => c.Attempt));
        Assert.All(closed.Callbacks, c => Assert.Equal(CallbackOutcome.Unreachable, c.Outcome));
        var recorded = await WaitForEvents<CallbackRecorded>(3);
        Assert.Equal([(1, "Unreachable"), (2, "Unreachable"), (3, "Unreachable")], recorded.Select(e => (e.Attempt, e.Outcome)));
        Assert.Equal("Unreachable", Assert.Single(await WaitForEvents<TicketClosed>(1)).Resolution);

        // Closed: no fourth call, however long one waits.
        Clock.AdvanceTo(Shanghai(2026, 3, 6, 17, 0));
        Assert.Equal(3, (await Ticket("t-1")).Timeline.Count(e => e.What == "Callback due"));
        Assert.Equal(3, Events.Of<CallbackDue>().Count);
    }

    [Fact]
    public async Task A_retry_that_would_fall_in_the_evening_moves_to_08_00_the_next_morning()
    {
        await ConfigureProject(Project, calendar: RoundTheClock);
        await NotifiedComplaint("t-1");
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 2, 17, 0), attempt: 1);

        // Two hours after 17:00 is 19:00, in the quiet hours.
        var retry = await Unreachable("t-1");

        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 3, 8, 0), 2, CallbackPurpose.Feedback), retry.NextCallback);
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 8, 0), attempt: 2);
    }

    [Fact]
    public async Task A_customer_called_again_after_the_ticket_was_reopened_gets_three_fresh_attempts()
    {
        await ConfigureProject(Project);
        await NotifiedComplaint("t-1");
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 9, 0), attempt: 1);
        await Unreachable("t-1");
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 11, 0), attempt: 2);
        await Unreachable("t-1");
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 3, 14, 30), attempt: 3);

        // Reached at the third try, unsatisfied: reopened, handled again, notified again.
        var reopened = await Grains.GetGrain<ITicketGrain>("t-1").RecordCallback(CallbackOutcome.Unsatisfied, "灯又坏了", Agent, null);
        Assert.Equal((TicketStatus.InProgress, 3), (reopened.Status, reopened.Callbacks[^1].Attempt));
        await Grains.GetGrain<ITicketGrain>("t-1").Resolve("更换整条线路", "已更换", "工程部-李工", "工程部经理", "工程部-李工", null);
        var notified = await Grains.GetGrain<ITicketGrain>("t-1").NotifyCustomer("线路已整体更换", Agent, null);
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 4, 14, 30), 1, CallbackPurpose.Feedback), notified.NextCallback);
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 4, 14, 30), attempt: 1);

        var retry = await Unreachable("t-1");

        Assert.Equal(TicketStatus.CustomerNotified, retry.Status);
        Assert.Equal((1, CallbackOutcome.Unreachable), (retry.Callbacks[^1].Attempt, retry.Callbacks[^1].Outcome));
        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 4, 16, 30), 2, CallbackPurpose.Feedback), retry.NextCallback);
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 4, 16, 30), attempt: 2);
    }

    /// <summary>A complaint found unfounded and explained to the customer now: the callback is scheduled.</summary>
    [Fact]
    public async Task A_calendar_edit_moves_a_callback_not_yet_due_and_its_reminder()
    {
        await ConfigureProject(Project);
        var notified = await NotifiedComplaint("t-1");
        Assert.Equal(Shanghai(2026, 3, 3, 9, 0), notified.NextCallback!.DueAt);

        // Tuesday becomes a holiday: one working day after Monday 09:00 is now Wednesday 09:00.
        await ConfigureProject(Project, calendar: ServiceCalendar.Default with { Holidays = [new DateOnly(2026, 3, 3)] });
        TicketState moved = notified;
        await Testing.Eventually.Until(async () => (moved = await Ticket("t-1")).NextCallback!.DueAt != notified.NextCallback.DueAt, "the callback re-planned");

        Assert.Equal(new ScheduledCallback(Shanghai(2026, 3, 4, 9, 0), 1, CallbackPurpose.Feedback), moved.NextCallback);
        Clock.AdvanceTo(Shanghai(2026, 3, 3, 9, 0));
        await CallbackFallsDue("t-1", Shanghai(2026, 3, 4, 9, 0), 1);
        Assert.DoesNotContain(Events.Of<CallbackDue>(), e => e.DueAt == Shanghai(2026, 3, 3, 9, 0));
    }

    private async Task<TicketState> NotifiedComplaint(string ticketId)
    {
        await OpenTicket(ticketId, Intake(Project, Agent));
        await Grains.GetGrain<ITicketGrain>(ticketId).Forward("工程部", Agent, null);
        await Grains.GetGrain<ITicketGrain>(ticketId).Verify(false, "灯已于当日修复", true, "工程部-李工", null);
        return await Grains.GetGrain<ITicketGrain>(ticketId).NotifyCustomer("经核实,楼道灯已修复", Agent, null);
    }

    /// <summary>Moves the clock to <paramref name="dueAt"/> and waits for the ticket's reminder to announce that attempt.</summary>
    private async Task CallbackFallsDue(string ticketId, DateTimeOffset dueAt, int attempt)
    {
        Clock.AdvanceTo(dueAt);
        var due = Assert.Single(await WaitForEvents<CallbackDue>(1, e => e.TicketId == ticketId && e.DueAt == dueAt));
        Assert.Equal((attempt, "Feedback", dueAt), (due.Attempt, due.Purpose, due.OccurredAt));
    }

    private Task<TicketState> Unreachable(string ticketId) =>
        Grains.GetGrain<ITicketGrain>(ticketId).RecordCallback(CallbackOutcome.Unreachable, "无人接听", Agent, null);
}
