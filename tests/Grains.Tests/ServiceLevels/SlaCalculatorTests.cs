using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.ServiceLevels;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.ServiceLevels;

/// <summary>
/// SLA clocks on the default calendar (Shanghai, Monday–Friday 08:00–12:00 and 13:30–17:30, an
/// 8-hour working day) and the default policy (SPEC §4.1). 2026-03-02 is a Monday.
/// </summary>
public sealed class SlaCalculatorTests
{
    private static readonly ServiceCalendar Calendar = ServiceCalendar.Default;
    private static readonly SlaPolicy Policy = SlaPolicy.Default;

    private static TicketClockFacts Complaint(Severity severity, DateTimeOffset receivedAt, bool urgent = false) => new()
    {
        Kind = TicketKind.Complaint,
        Severity = severity,
        Urgent = urgent,
        ReceivedAt = receivedAt,
    };

    private static SlaStatus Compute(TicketClockFacts facts, DateTimeOffset now, ServiceCalendar? calendar = null) =>
        SlaCalculator.Compute(calendar ?? Calendar, Policy, facts, now);

    [Fact]
    public void A_ticket_received_outside_service_hours_starts_its_clocks_at_the_next_opening()
    {
        // Saturday night: the clocks start Monday 08:00. The 1-day target ends exactly at Monday's close.
        var status = Compute(Complaint(Severity.General, Shanghai(2026, 3, 7, 22, 15)), Shanghai(2026, 3, 8, 9, 0));

        Assert.Equal(Shanghai(2026, 3, 9, 8, 0), status.FirstReply!.StartedAt);
        Assert.Equal(Shanghai(2026, 3, 9, 10, 0), status.FirstReply.DueAt);
        Assert.Equal(Shanghai(2026, 3, 9, 9, 36), status.FirstReply.AtRiskAt);
        Assert.Equal(Shanghai(2026, 3, 9, 17, 30), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 11, 17, 30), status.Deadline!.DueAt);
        Assert.All(status.Clocks, clock => Assert.Equal(ClockState.Running, clock.State));
        Assert.Equal(TimeSpan.FromHours(8), status.Target.Remaining);
    }

    [Fact]
    public void A_general_complaint_has_a_2_hour_first_reply_a_1_day_target_and_a_3_day_deadline()
    {
        var status = Compute(Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)), Shanghai(2026, 3, 2, 9, 0));

        Assert.Equal(Shanghai(2026, 3, 2, 11, 0), status.FirstReply!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 3, 9, 0), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 5, 9, 0), status.Deadline!.DueAt);
        Assert.Equal(TimeSpan.FromHours(24), status.Deadline.Budget);
    }

    [Fact]
    public void A_deadline_crossing_a_weekend_and_a_holiday_skips_both()
    {
        // Friday 14:00 before the Qingming Monday (2026-04-06).
        var calendar = Calendar with { Holidays = [new DateOnly(2026, 4, 6)] };

        var status = Compute(Complaint(Severity.General, Shanghai(2026, 4, 3, 14, 0)), Shanghai(2026, 4, 3, 14, 0), calendar);

        Assert.Equal(Shanghai(2026, 4, 7, 14, 0), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 4, 9, 14, 0), status.Deadline!.DueAt);
    }

    [Fact]
    public void A_simple_complaint_received_late_on_a_Friday_before_a_holiday_is_due_on_the_next_working_morning()
    {
        var calendar = Calendar with { Holidays = [new DateOnly(2026, 4, 6)] };

        var status = Compute(Complaint(Severity.Simple, Shanghai(2026, 4, 3, 17, 0)), Shanghai(2026, 4, 3, 17, 0), calendar);

        Assert.Equal(Shanghai(2026, 4, 7, 9, 30), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 4, 7, 9, 30), status.Deadline!.DueAt);
        Assert.Equal(Shanghai(2026, 4, 7, 9, 6), status.Deadline.AtRiskAt);
    }

    [Fact]
    public void An_extra_working_day_counts_towards_the_clocks()
    {
        var calendar = Calendar with { ExtraWorkingDays = [new DateOnly(2026, 10, 10)] };

        var status = Compute(Complaint(Severity.Simple, Shanghai(2026, 10, 9, 16, 30)), Shanghai(2026, 10, 9, 16, 30), calendar);

        Assert.Equal(Shanghai(2026, 10, 10, 9, 0), status.Target!.DueAt);
    }

    [Fact]
    public void The_80_percent_at_risk_instant_is_80_percent_of_the_budget_in_working_time()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0));

        var status = Compute(facts, Shanghai(2026, 3, 2, 9, 0));

        // 96 minutes; 6 h 24 min (over lunch); 19 h 12 min (Monday 7 h, Tuesday 8 h, Wednesday 4 h 12 min).
        Assert.Equal(Shanghai(2026, 3, 2, 10, 36), status.FirstReply!.AtRiskAt);
        Assert.Equal(Shanghai(2026, 3, 2, 16, 54), status.Target!.AtRiskAt);
        Assert.Equal(Shanghai(2026, 3, 4, 13, 42), status.Deadline!.AtRiskAt);

        Assert.Equal(ClockState.Running, Compute(facts, Shanghai(2026, 3, 2, 16, 53, 59)).Target!.State);
        Assert.Equal(ClockState.AtRisk, Compute(facts, Shanghai(2026, 3, 2, 16, 54)).Target!.State);
    }

    [Fact]
    public void The_at_risk_fraction_is_configurable()
    {
        var policy = Policy with { AtRiskFraction = 0.5 };

        var status = SlaCalculator.Compute(Calendar, policy, Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)), Shanghai(2026, 3, 2, 9, 0));

        Assert.Equal(Shanghai(2026, 3, 2, 14, 30), status.Target!.AtRiskAt);
    }

    [Fact]
    public void Upcoming_events_list_every_at_risk_and_due_instant_in_order()
    {
        var status = Compute(Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)), Shanghai(2026, 3, 2, 9, 0));

        Assert.Equal(
            [
                new SlaEvent(SlaClock.FirstReply, SlaEventKind.AtRisk, Shanghai(2026, 3, 2, 10, 36)),
                new SlaEvent(SlaClock.FirstReply, SlaEventKind.FirstReplyDue, Shanghai(2026, 3, 2, 11, 0)),
                new SlaEvent(SlaClock.Target, SlaEventKind.AtRisk, Shanghai(2026, 3, 2, 16, 54)),
                new SlaEvent(SlaClock.Target, SlaEventKind.TargetMissed, Shanghai(2026, 3, 3, 9, 0)),
                new SlaEvent(SlaClock.Deadline, SlaEventKind.AtRisk, Shanghai(2026, 3, 4, 13, 42)),
                new SlaEvent(SlaClock.Deadline, SlaEventKind.Breached, Shanghai(2026, 3, 5, 9, 0)),
            ],
            status.UpcomingEvents);
        Assert.Equal(status.UpcomingEvents[0], status.NextEvent);
    }

    [Fact]
    public void Events_already_passed_or_of_satisfied_clocks_are_not_upcoming()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with { FirstRepliedAt = Shanghai(2026, 3, 2, 10, 0) };

        var status = Compute(facts, Shanghai(2026, 3, 3, 9, 0));

        Assert.Equal(ClockState.Met, status.FirstReply!.State);
        Assert.Equal(ClockState.Missed, status.Target!.State);
        Assert.Equal(
            [
                new SlaEvent(SlaClock.Deadline, SlaEventKind.AtRisk, Shanghai(2026, 3, 4, 13, 42)),
                new SlaEvent(SlaClock.Deadline, SlaEventKind.Breached, Shanghai(2026, 3, 5, 9, 0)),
            ],
            status.UpcomingEvents);
    }

    [Fact]
    public void A_target_passed_unmet_is_missed_and_a_deadline_passed_unmet_is_breached()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0));

        var atDeadline = Compute(facts, Shanghai(2026, 3, 5, 9, 0));

        Assert.Equal(ClockState.Missed, atDeadline.FirstReply!.State);
        Assert.Equal(ClockState.Missed, atDeadline.Target!.State);
        Assert.Equal(ClockState.Breached, atDeadline.Deadline!.State);
        Assert.Equal(TimeSpan.FromHours(-16), atDeadline.Target.Remaining);
        Assert.Empty(atDeadline.UpcomingEvents);
    }

    [Fact]
    public void A_ticket_resolved_after_its_target_but_before_its_deadline_missed_the_target_and_met_the_deadline()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with
        {
            FirstRepliedAt = Shanghai(2026, 3, 2, 11, 0),
            ResolvedAt = Shanghai(2026, 3, 3, 10, 0),
        };

        var status = Compute(facts, Shanghai(2026, 3, 10, 9, 0));

        Assert.Equal(ClockState.Met, status.FirstReply!.State);
        Assert.Equal(TimeSpan.Zero, status.FirstReply.Remaining);
        Assert.Equal(ClockState.Missed, status.Target!.State);
        Assert.Equal(TimeSpan.FromHours(-1), status.Target.Remaining);
        Assert.Equal(ClockState.Met, status.Deadline!.State);
        Assert.Equal(TimeSpan.FromHours(15), status.Deadline.Remaining);
        Assert.Equal(Shanghai(2026, 3, 3, 10, 0), status.Deadline.SatisfiedAt);
        Assert.Empty(status.UpcomingEvents);
    }

    [Fact]
    public void Resolving_a_ticket_without_a_recorded_first_reply_stops_the_first_reply_clock_too()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with { ResolvedAt = Shanghai(2026, 3, 2, 10, 30) };

        var status = Compute(facts, Shanghai(2026, 3, 2, 15, 0));

        Assert.Equal(ClockState.Met, status.FirstReply!.State);
        Assert.Equal(Shanghai(2026, 3, 2, 10, 30), status.FirstReply.SatisfiedAt);
    }

    [Fact]
    public void A_pause_spanning_a_night_moves_the_due_instants_by_the_working_time_spent_paused()
    {
        // Monday 09:00; waiting on the customer Monday 16:00 to Tuesday 10:00 (1.5 + 2 working hours).
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with
        {
            FirstRepliedAt = Shanghai(2026, 3, 2, 10, 0),
            Pauses = [new PauseInterval(Shanghai(2026, 3, 2, 16, 0), Shanghai(2026, 3, 3, 10, 0))],
        };

        var status = Compute(facts, Shanghai(2026, 3, 3, 11, 0));

        Assert.Equal(Shanghai(2026, 3, 3, 14, 0), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 5, 14, 0), status.Deadline!.DueAt);
        Assert.Equal(ClockState.AtRisk, status.Target.State);
        Assert.Equal(Shanghai(2026, 3, 3, 10, 54), status.Target.AtRiskAt);
        Assert.Equal(TimeSpan.FromHours(1.5), status.Target.Remaining);
    }

    [Fact]
    public void While_the_ticket_waits_on_the_customer_the_clocks_are_paused_without_a_due_instant()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with
        {
            FirstRepliedAt = Shanghai(2026, 3, 2, 10, 0),
            Pauses = [new PauseInterval(Shanghai(2026, 3, 2, 16, 0), null)],
        };

        var status = Compute(facts, Shanghai(2026, 3, 3, 9, 30));

        Assert.Equal(ClockState.Met, status.FirstReply!.State);
        Assert.Equal(ClockState.Paused, status.Target!.State);
        Assert.Null(status.Target.DueAt);
        Assert.Null(status.Target.AtRiskAt);
        Assert.Equal(TimeSpan.FromHours(2.5), status.Target.Remaining);
        Assert.Equal(ClockState.Paused, status.Deadline!.State);
        Assert.Equal(TimeSpan.FromHours(18.5), status.Deadline.Remaining);
        Assert.Empty(status.UpcomingEvents);
    }

    [Fact]
    public void A_clock_already_missed_before_a_pause_stays_missed()
    {
        var facts = Complaint(Severity.Simple, Shanghai(2026, 3, 2, 9, 0)) with
        {
            Pauses = [new PauseInterval(Shanghai(2026, 3, 2, 15, 0), null)],
        };

        var status = Compute(facts, Shanghai(2026, 3, 2, 16, 0));

        Assert.Equal(Shanghai(2026, 3, 2, 11, 0), status.Target!.DueAt);
        Assert.Equal(ClockState.Missed, status.Target.State);
        Assert.Equal(ClockState.Breached, status.Deadline!.State);
    }

    [Fact]
    public void Overlapping_and_unordered_pauses_are_counted_once()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with
        {
            Pauses =
            [
                new PauseInterval(Shanghai(2026, 3, 2, 18, 0), Shanghai(2026, 3, 3, 10, 0)),
                new PauseInterval(Shanghai(2026, 3, 2, 16, 0), Shanghai(2026, 3, 2, 20, 0)),
            ],
        };

        Assert.Equal(Shanghai(2026, 3, 3, 14, 0), Compute(facts, Shanghai(2026, 3, 3, 11, 0)).Target!.DueAt);
    }

    [Fact]
    public void A_pause_ending_before_it_starts_is_refused()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0)) with
        {
            Pauses = [new PauseInterval(Shanghai(2026, 3, 2, 16, 0), Shanghai(2026, 3, 2, 15, 0))],
        };

        Assert.Throws<ArgumentException>(() => Compute(facts, Shanghai(2026, 3, 3, 11, 0)));
    }

    [Fact]
    public void A_severity_change_midway_keeps_the_start_and_recomputes_the_budgets()
    {
        var general = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0));
        var now = Shanghai(2026, 3, 2, 15, 0);

        var before = Compute(general, now);
        var complex = Compute(general with { Severity = Severity.Complex }, now);
        var simple = Compute(general with { Severity = Severity.Simple }, now);

        Assert.Equal(Shanghai(2026, 3, 3, 9, 0), before.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 5, 9, 0), before.Deadline!.DueAt);

        Assert.Equal(Shanghai(2026, 3, 2, 9, 0), complex.Target!.StartedAt);
        Assert.Equal(Shanghai(2026, 3, 9, 9, 0), complex.Target.DueAt);
        Assert.Equal(Shanghai(2026, 3, 11, 9, 0), complex.Deadline!.DueAt);
        Assert.Equal(TimeSpan.FromHours(35.5), complex.Target.Remaining);

        // Downgraded to simple at 15:00: its 2 working hours ran out at 11:00.
        Assert.Equal(Shanghai(2026, 3, 2, 11, 0), simple.Target!.DueAt);
        Assert.Equal(ClockState.Missed, simple.Target.State);
        Assert.Equal(ClockState.Breached, simple.Deadline!.State);
        Assert.Equal(TimeSpan.FromHours(-2.5), simple.Deadline.Remaining);
    }

    [Fact]
    public void A_calendar_edit_with_the_ticket_still_open_recomputes_the_due_instants()
    {
        var facts = Complaint(Severity.General, Shanghai(2026, 3, 2, 9, 0));
        var now = Shanghai(2026, 3, 3, 11, 0);
        Assert.Equal(Shanghai(2026, 3, 5, 9, 0), Compute(facts, now).Deadline!.DueAt);

        // Wednesday becomes a holiday: the deadline moves a service day later.
        var withHoliday = Calendar with { Holidays = [new DateOnly(2026, 3, 4)] };
        Assert.Equal(Shanghai(2026, 3, 6, 9, 0), Compute(facts, now, withHoliday).Deadline!.DueAt);

        // A 7-hour working day: 1 day = 7 h (Monday's close), 3 days = 21 h.
        var shorterDay = Calendar with { StandardDayLength = TimeSpan.FromHours(7) };
        var status = Compute(facts, now, shorterDay);
        Assert.Equal(Shanghai(2026, 3, 2, 17, 30), status.Target!.DueAt);
        Assert.Equal(ClockState.Missed, status.Target.State);
        Assert.Equal(Shanghai(2026, 3, 4, 15, 30), status.Deadline!.DueAt);
    }

    [Fact]
    public void A_deadline_spanning_the_daylight_saving_switch_keeps_local_service_hours()
    {
        var london = Calendar with { TimeZone = "Europe/London" };

        // Friday 27 March 10:00 GMT; British Summer Time starts on Sunday the 29th.
        var status = Compute(Complaint(Severity.General, Utc(2026, 3, 27, 10, 0)), Utc(2026, 3, 27, 10, 0), london);

        Assert.Equal(Utc(2026, 3, 27, 12, 0), status.FirstReply!.DueAt);
        Assert.Equal(Utc(2026, 3, 30, 9, 0), status.Target!.DueAt);
        Assert.Equal(Utc(2026, 4, 1, 9, 0), status.Deadline!.DueAt);
    }

    [Fact]
    public void The_urgent_flag_halves_the_target_and_keeps_the_deadline_within_3_working_days()
    {
        var now = Shanghai(2026, 3, 2, 9, 0);

        var general = Compute(Complaint(Severity.General, now, urgent: true), now);
        Assert.Equal(Shanghai(2026, 3, 2, 11, 0), general.FirstReply!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 2, 14, 30), general.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 5, 9, 0), general.Deadline!.DueAt);

        // Complex: 5 days halved is 20 h (Wednesday 14:30); 7 days capped at 3 (Thursday 09:00).
        var complex = Compute(Complaint(Severity.Complex, now, urgent: true), now);
        Assert.Equal(TimeSpan.FromHours(20), complex.Target!.Budget);
        Assert.Equal(Shanghai(2026, 3, 4, 14, 30), complex.Target.DueAt);
        Assert.Equal(TimeSpan.FromHours(24), complex.Deadline!.Budget);
        Assert.Equal(Shanghai(2026, 3, 5, 9, 0), complex.Deadline.DueAt);
    }

    [Fact]
    public void Urgent_only_changes_the_clocks_a_kind_has()
    {
        var budgets = SlaCalculator.Budgets(Calendar, Policy, TicketKind.Inquiry, Severity.General, urgent: true);
        Assert.Equal(new SlaBudgets(null, null, null), budgets);

        var lookup = SlaCalculator.Budgets(Calendar, Policy, TicketKind.Lookup, Severity.General, urgent: true);
        Assert.Equal(new SlaBudgets(null, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), lookup);
    }

    [Fact]
    public void A_target_is_never_after_the_deadline_even_if_the_policy_says_so()
    {
        var policy = Policy with
        {
            Urgent = new UrgentRule { DeadlineCap = WorkDuration.FromDays(1) },
        };

        var budgets = SlaCalculator.Budgets(Calendar, policy, TicketKind.Complaint, Severity.Complex, urgent: true);

        Assert.Equal(new SlaBudgets(TimeSpan.FromHours(2), TimeSpan.FromHours(8), TimeSpan.FromHours(8)), budgets);
    }

    [Fact]
    public void A_lookup_has_a_1_minute_clock_and_no_first_reply()
    {
        var facts = new TicketClockFacts { Kind = TicketKind.Lookup, ReceivedAt = Shanghai(2026, 3, 2, 10, 0) };

        var status = Compute(facts, Shanghai(2026, 3, 2, 10, 0));

        Assert.Null(status.FirstReply);
        Assert.Equal(Shanghai(2026, 3, 2, 10, 1), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 2, 10, 0, 48), status.Target.AtRiskAt);
        Assert.Equal(Shanghai(2026, 3, 2, 10, 1), status.Deadline!.DueAt);

        Assert.Equal(ClockState.Met, Compute(facts with { ResolvedAt = Shanghai(2026, 3, 2, 10, 0, 40) }, Shanghai(2026, 3, 2, 10, 5)).Target!.State);
        var unanswered = Compute(facts, Shanghai(2026, 3, 2, 10, 1));
        Assert.Equal(ClockState.Missed, unanswered.Target!.State);
        Assert.Equal(ClockState.Breached, unanswered.Deadline!.State);
    }

    [Fact]
    public void A_lookup_received_seconds_before_closing_is_due_just_after_the_next_opening()
    {
        var facts = new TicketClockFacts { Kind = TicketKind.Lookup, ReceivedAt = Shanghai(2026, 3, 2, 17, 29, 30) };

        Assert.Equal(Shanghai(2026, 3, 3, 8, 0, 30), Compute(facts, Shanghai(2026, 3, 2, 17, 29, 30)).Deadline!.DueAt);
    }

    [Fact]
    public void Inquiries_and_suggestions_have_no_clocks()
    {
        foreach (var kind in new[] { TicketKind.Inquiry, TicketKind.Suggestion })
        {
            var status = Compute(new TicketClockFacts { Kind = kind, ReceivedAt = Shanghai(2026, 3, 2, 10, 0) }, Shanghai(2026, 3, 2, 10, 0));

            Assert.Empty(status.Clocks);
            Assert.Empty(status.UpcomingEvents);
        }
    }

    [Fact]
    public void A_repair_has_a_2_hour_first_reply_a_1_day_target_and_a_3_day_deadline()
    {
        var status = Compute(new TicketClockFacts { Kind = TicketKind.Repair, ReceivedAt = Shanghai(2026, 3, 2, 14, 0) }, Shanghai(2026, 3, 2, 14, 0));

        Assert.Equal(Shanghai(2026, 3, 2, 16, 0), status.FirstReply!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 3, 14, 0), status.Target!.DueAt);
        Assert.Equal(Shanghai(2026, 3, 5, 14, 0), status.Deadline!.DueAt);
    }

    [Fact]
    public void Due_instants_follow_from_the_facts_alone_whatever_the_now()
    {
        // Property: for every "now" on a grid, a running clock's remaining working time is what lies between now and its due instant.
        var facts = Complaint(Severity.Complex, Shanghai(2026, 3, 6, 16, 0)) with
        {
            Pauses = [new PauseInterval(Shanghai(2026, 3, 9, 9, 0), Shanghai(2026, 3, 9, 15, 0))],
        };
        var expectedDeadline = Shanghai(2026, 3, 18, 11, 0);

        for (var now = Shanghai(2026, 3, 9, 15, 0); now < expectedDeadline; now = now.AddMinutes(53))
        {
            var deadline = Compute(facts, now).Deadline!;
            Assert.Equal(expectedDeadline, deadline.DueAt);
            Assert.Equal(Calendar.WorkingTimeBetween(now, expectedDeadline), deadline.Remaining);
        }
    }
}
