using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.ServiceLevels;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.ServiceLevels;

/// <summary>Outbound calls: quiet hours (default 18:00–08:00 project time), the 回访 after notification and callback promises.</summary>
public sealed class CallbackTests
{
    private static readonly ServiceCalendar Calendar = ServiceCalendar.Default;
    private static readonly QuietHours Quiet = QuietHours.Default;

    /// <summary>A hotline staffed 06:00–22:00 every day, so working time reaches into the quiet hours.</summary>
    private static readonly ServiceCalendar LongHours = ServiceCalendar.Default with
    {
        WeeklyHours = [.. Enum.GetValues<DayOfWeek>().Select(day => new ServicePeriod(day, new TimeOnly(6, 0), new TimeOnly(22, 0)))],
    };

    [Fact]
    public void A_callback_due_in_the_evening_moves_to_08_00_the_next_morning()
    {
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 2, 19, 0), Calendar));
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 2, 23, 59, 59), Calendar));
    }

    [Fact]
    public void A_callback_due_after_midnight_moves_to_08_00_the_same_morning()
    {
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 3, 1, 0), Calendar));
    }

    [Fact]
    public void Quiet_hours_include_their_start_and_exclude_their_end()
    {
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 2, 18, 0), Calendar));
        Assert.Equal(Shanghai(2026, 3, 2, 17, 59, 59), Quiet.NextAllowedCall(Shanghai(2026, 3, 2, 17, 59, 59), Calendar));
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 3, 8, 0), Calendar));
        Assert.Equal(TimeSpan.Zero, Quiet.NextAllowedCall(Shanghai(2026, 3, 3, 8, 0), Calendar).Offset);
    }

    [Fact]
    public void Quiet_hours_apply_every_night_including_weekends()
    {
        Assert.Equal(Shanghai(2026, 3, 7, 8, 0), Quiet.NextAllowedCall(Shanghai(2026, 3, 6, 20, 0), Calendar));
    }

    [Fact]
    public void Quiet_hours_that_do_not_wrap_midnight_end_the_same_day()
    {
        var lunch = new QuietHours(new TimeOnly(12, 0), new TimeOnly(13, 30));

        Assert.Equal(Shanghai(2026, 3, 2, 13, 30), lunch.NextAllowedCall(Shanghai(2026, 3, 2, 12, 45), Calendar));
        Assert.Equal(Shanghai(2026, 3, 2, 19, 0), lunch.NextAllowedCall(Shanghai(2026, 3, 2, 19, 0), Calendar));
    }

    [Fact]
    public void Quiet_hours_ending_in_a_spring_forward_gap_end_when_the_clocks_jump()
    {
        // London, 2026-03-29: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
        var london = Calendar with { TimeZone = "Europe/London" };
        var quiet = new QuietHours(new TimeOnly(0, 30), new TimeOnly(1, 30));

        Assert.Equal(Utc(2026, 3, 29, 1, 0), quiet.NextAllowedCall(Utc(2026, 3, 29, 0, 45), london));
    }

    [Fact]
    public void Quiet_hours_ending_in_a_repeated_hour_end_at_the_occurrence_after_the_due_time()
    {
        // New York, 2026-11-01: 01:00–02:00 happens twice (EDT, then EST). Due at 01:10 EST.
        var newYork = Calendar with { TimeZone = "America/New_York" };
        var quiet = new QuietHours(new TimeOnly(0, 30), new TimeOnly(1, 30));

        Assert.Equal(Utc(2026, 11, 1, 6, 30), quiet.NextAllowedCall(Utc(2026, 11, 1, 6, 10), newYork));
        Assert.Equal(Utc(2026, 11, 1, 5, 30), quiet.NextAllowedCall(Utc(2026, 11, 1, 5, 10), newYork));
    }

    [Fact]
    public void The_callback_after_notifying_the_customer_is_due_one_working_day_later()
    {
        Assert.Equal(Shanghai(2026, 3, 3, 16, 0), CallbackSchedule.AfterNotice(Calendar, SlaPolicy.Default, Shanghai(2026, 3, 2, 16, 0)));

        // Notified on Friday evening: a working day from Monday's opening.
        Assert.Equal(Shanghai(2026, 3, 9, 17, 30), CallbackSchedule.AfterNotice(Calendar, SlaPolicy.Default, Shanghai(2026, 3, 6, 19, 0)));
    }

    [Fact]
    public void A_callback_falling_due_in_quiet_hours_moves_to_the_end_of_the_quiet_period()
    {
        // Notified Monday 13:00 on a 06:00–22:00 hotline: 8 working hours later is 21:00, quiet; the call moves to 08:00.
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), CallbackSchedule.AfterNotice(LongHours, SlaPolicy.Default, Shanghai(2026, 3, 2, 13, 0)));

        var noQuietHours = SlaPolicy.Default with { QuietHours = null };
        Assert.Equal(Shanghai(2026, 3, 2, 21, 0), CallbackSchedule.AfterNotice(LongHours, noQuietHours, Shanghai(2026, 3, 2, 13, 0)));
    }

    [Fact]
    public void A_promised_callback_is_due_within_2_working_hours_for_a_simple_question_and_16_for_a_difficult_one()
    {
        var simple = CallbackSchedule.Promise(Calendar, SlaPolicy.Default, Shanghai(2026, 3, 2, 16, 0), difficult: false);
        var difficult = CallbackSchedule.Promise(Calendar, SlaPolicy.Default, Shanghai(2026, 3, 2, 16, 0), difficult: true);

        // 1.5 h on Monday, then 30 min on Tuesday; or 1.5 h + 8 h + 6.5 h.
        Assert.Equal(Shanghai(2026, 3, 3, 8, 30), simple.AnswerDue);
        Assert.Equal(Shanghai(2026, 3, 4, 16, 0), difficult.AnswerDue);
        Assert.Equal(Shanghai(2026, 3, 4, 16, 0), simple.InterimCallbackDue);
        Assert.Equal(Shanghai(2026, 3, 4, 16, 0), difficult.InterimCallbackDue);
    }

    [Fact]
    public void An_interim_callback_due_in_quiet_hours_moves_but_the_promised_answer_time_does_not()
    {
        // Promised Monday 21:00 on a 06:00–22:00 hotline.
        var promise = CallbackSchedule.Promise(LongHours, SlaPolicy.Default, Shanghai(2026, 3, 2, 21, 0), difficult: false);

        Assert.Equal(Shanghai(2026, 3, 3, 7, 0), promise.AnswerDue);
        Assert.Equal(Shanghai(2026, 3, 4, 8, 0), promise.InterimCallbackDue);
    }

    [Fact]
    public void The_customer_is_unreachable_after_three_unanswered_attempts()
    {
        Assert.False(CallbackSchedule.AttemptsExhausted(SlaPolicy.Default, 2));
        Assert.True(CallbackSchedule.AttemptsExhausted(SlaPolicy.Default, 3));
    }
}
