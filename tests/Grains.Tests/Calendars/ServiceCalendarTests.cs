using HotlineGrains.Grains.Calendars;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Calendars;

/// <summary>Working-time arithmetic on the default calendar: Shanghai, Monday–Friday 08:00–12:00 and 13:30–17:30.</summary>
public sealed class ServiceCalendarTests
{
    private static readonly ServiceCalendar Calendar = ServiceCalendar.Default;

    // 2026-03-02 is a Monday; 2026-04-03 a Friday; 2026-10-10 a Saturday.

    [Fact]
    public void The_default_calendar_is_Shanghai_weekdays_08_00_to_12_00_and_13_30_to_17_30_with_an_8_hour_working_day()
    {
        Assert.Equal("Asia/Shanghai", Calendar.TimeZone);
        Assert.Equal(TimeSpan.FromHours(8), Calendar.StandardDayLength);
        Assert.Equal(DayOfWeek.Monday, Calendar.ExtraWorkingDayTemplate);
        Assert.Equal(
            [(Shanghai(2026, 3, 2, 8, 0), Shanghai(2026, 3, 2, 12, 0)), (Shanghai(2026, 3, 2, 13, 30), Shanghai(2026, 3, 2, 17, 30))],
            Calendar.ServiceHoursOn(new DateOnly(2026, 3, 2)));
        Assert.Empty(Calendar.ServiceHoursOn(new DateOnly(2026, 3, 7)));
        Assert.Empty(Calendar.Validate());
    }

    [Fact]
    public void The_hotline_is_open_from_the_start_of_a_period_up_to_but_not_at_its_end()
    {
        Assert.False(Calendar.IsOpen(Shanghai(2026, 3, 2, 7, 59, 59)));
        Assert.True(Calendar.IsOpen(Shanghai(2026, 3, 2, 8, 0)));
        Assert.True(Calendar.IsOpen(Shanghai(2026, 3, 2, 11, 59, 59)));
        Assert.False(Calendar.IsOpen(Shanghai(2026, 3, 2, 12, 0)));
        Assert.False(Calendar.IsOpen(Shanghai(2026, 3, 2, 13, 29, 59)));
        Assert.True(Calendar.IsOpen(Shanghai(2026, 3, 2, 13, 30)));
        Assert.False(Calendar.IsOpen(Shanghai(2026, 3, 2, 17, 30)));
        Assert.False(Calendar.IsOpen(Shanghai(2026, 3, 7, 10, 0)));
    }

    [Fact]
    public void The_next_opening_of_an_open_instant_is_the_instant_itself()
    {
        Assert.Equal(Shanghai(2026, 3, 2, 10, 17, 3), Calendar.NextOpening(Shanghai(2026, 3, 2, 10, 17, 3)));
    }

    [Fact]
    public void The_next_opening_after_the_lunch_break_the_evening_and_the_weekend_is_the_next_period_start()
    {
        Assert.Equal(Shanghai(2026, 3, 2, 13, 30), Calendar.NextOpening(Shanghai(2026, 3, 2, 12, 0)));
        Assert.Equal(Shanghai(2026, 3, 3, 8, 0), Calendar.NextOpening(Shanghai(2026, 3, 2, 17, 30)));
        Assert.Equal(Shanghai(2026, 3, 9, 8, 0), Calendar.NextOpening(Shanghai(2026, 3, 7, 22, 15)));
    }

    [Fact]
    public void The_service_date_of_an_instant_is_its_date_in_the_project_time_zone()
    {
        Assert.Equal(new DateOnly(2026, 3, 3), Calendar.DateOf(Utc(2026, 3, 2, 16, 0)));
        Assert.Equal(new DateOnly(2026, 3, 2), Calendar.DateOf(Utc(2026, 3, 2, 15, 59, 59)));
        Assert.Equal(new DateOnly(2026, 3, 2), (Calendar with { TimeZone = "America/New_York" }).DateOf(Utc(2026, 3, 3, 4, 59)));
    }

    [Fact]
    public void Results_are_UTC_instants()
    {
        var result = Calendar.AddWorkingTime(Shanghai(2026, 3, 2, 9, 0), TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, result.Offset);
        Assert.Equal(Utc(2026, 3, 2, 2, 0), result);
    }

    [Fact]
    public void One_working_day_from_a_morning_ends_at_the_same_time_the_next_service_day()
    {
        Assert.Equal(Shanghai(2026, 3, 3, 9, 0), Calendar.AddWorkingTime(Shanghai(2026, 3, 2, 9, 0), Calendar.WorkingDays(1)));
    }

    [Fact]
    public void A_budget_ending_exactly_at_a_period_end_answers_that_end_and_not_the_next_opening()
    {
        Assert.Equal(Shanghai(2026, 3, 2, 12, 0), Calendar.AddWorkingTime(Shanghai(2026, 3, 2, 8, 0), TimeSpan.FromHours(4)));
        Assert.Equal(Shanghai(2026, 3, 6, 17, 30), Calendar.AddWorkingTime(Shanghai(2026, 3, 6, 16, 0), TimeSpan.FromHours(1.5)));
    }

    [Fact]
    public void Working_time_started_outside_service_hours_counts_from_the_next_opening()
    {
        Assert.Equal(Shanghai(2026, 3, 9, 10, 0), Calendar.AddWorkingTime(Shanghai(2026, 3, 7, 22, 15), TimeSpan.FromHours(2)));
        Assert.Equal(Shanghai(2026, 3, 2, 14, 0), Calendar.AddWorkingTime(Shanghai(2026, 3, 2, 12, 10), TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void No_working_time_after_a_closed_instant_is_the_next_opening()
    {
        Assert.Equal(Shanghai(2026, 3, 9, 8, 0), Calendar.AddWorkingTime(Shanghai(2026, 3, 7, 22, 15), TimeSpan.Zero));
    }

    [Fact]
    public void A_deadline_crossing_a_weekend_and_a_holiday_lands_on_the_next_working_morning()
    {
        // Qingming: Monday 2026-04-06 is a holiday. Friday 17:00 + 2 working hours:
        // half an hour on Friday, then the weekend and the holiday, then 1.5 hours on Tuesday.
        var calendar = Calendar with { Holidays = [new DateOnly(2026, 4, 6)] };

        Assert.Equal(Shanghai(2026, 4, 7, 9, 30), calendar.AddWorkingTime(Shanghai(2026, 4, 3, 17, 0), TimeSpan.FromHours(2)));
        Assert.Equal(Shanghai(2026, 4, 6, 9, 30), Calendar.AddWorkingTime(Shanghai(2026, 4, 3, 17, 0), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Three_working_days_across_a_weekend_and_a_holiday_skip_both()
    {
        var calendar = Calendar with { Holidays = [new DateOnly(2026, 4, 6)] };

        // Friday 14:00: 3.5 h on Friday, Tuesday 8 h, Wednesday 8 h, Thursday 4.5 h.
        Assert.Equal(Shanghai(2026, 4, 9, 14, 0), calendar.AddWorkingTime(Shanghai(2026, 4, 3, 14, 0), calendar.WorkingDays(3)));
    }

    [Fact]
    public void An_extra_working_day_on_a_Saturday_is_worked_with_Monday_hours()
    {
        // 调休: Saturday 2026-10-10 is worked. Friday 16:30 + 2 h: 1 h on Friday, 1 h on Saturday morning.
        var calendar = Calendar with { ExtraWorkingDays = [new DateOnly(2026, 10, 10)] };

        Assert.True(calendar.IsOpen(Shanghai(2026, 10, 10, 8, 0)));
        Assert.Equal(Shanghai(2026, 10, 10, 9, 0), calendar.AddWorkingTime(Shanghai(2026, 10, 9, 16, 30), TimeSpan.FromHours(2)));
        Assert.Equal(Shanghai(2026, 10, 12, 9, 0), Calendar.AddWorkingTime(Shanghai(2026, 10, 9, 16, 30), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void An_extra_working_day_takes_the_hours_of_its_template_weekday()
    {
        // Fridays are mornings only here, and the extra Saturday is worked like a Friday.
        var calendar = Calendar with
        {
            WeeklyHours = [.. Calendar.WeeklyHours.Where(p => p.Day != DayOfWeek.Friday), new ServicePeriod(DayOfWeek.Friday, new TimeOnly(8, 0), new TimeOnly(12, 0))],
            ExtraWorkingDays = [new DateOnly(2026, 10, 10)],
            ExtraWorkingDayTemplate = DayOfWeek.Friday,
        };

        Assert.Equal(
            [(Shanghai(2026, 10, 10, 8, 0), Shanghai(2026, 10, 10, 12, 0))],
            calendar.ServiceHoursOn(new DateOnly(2026, 10, 10)));

        // Friday 11:00 + 6 h: 1 h on Friday, 4 h on Saturday morning, 1 h on Monday.
        Assert.Equal(Shanghai(2026, 10, 12, 9, 0), calendar.AddWorkingTime(Shanghai(2026, 10, 9, 11, 0), TimeSpan.FromHours(6)));
    }

    [Fact]
    public void Working_time_between_two_instants_counts_only_service_hours_and_is_negative_backwards()
    {
        var calendar = Calendar with { Holidays = [new DateOnly(2026, 4, 6)] };

        // Friday 16:00–17:30 and Tuesday 08:00–10:00.
        Assert.Equal(TimeSpan.FromHours(3.5), calendar.WorkingTimeBetween(Shanghai(2026, 4, 3, 16, 0), Shanghai(2026, 4, 7, 10, 0)));
        Assert.Equal(TimeSpan.FromHours(-3.5), calendar.WorkingTimeBetween(Shanghai(2026, 4, 7, 10, 0), Shanghai(2026, 4, 3, 16, 0)));
        Assert.Equal(TimeSpan.Zero, calendar.WorkingTimeBetween(Shanghai(2026, 4, 3, 18, 0), Shanghai(2026, 4, 7, 7, 0)));
        Assert.Equal(TimeSpan.FromHours(40), Calendar.WorkingTimeBetween(Shanghai(2026, 3, 2, 0, 0), Shanghai(2026, 3, 9, 0, 0)));
    }

    [Fact]
    public void Working_days_are_multiples_of_the_standard_day_length()
    {
        Assert.Equal(TimeSpan.FromHours(24), Calendar.WorkingDays(3));
        Assert.Equal(TimeSpan.FromHours(22.5), (Calendar with { StandardDayLength = TimeSpan.FromHours(7.5) }).WorkingDays(3));
    }

    [Fact]
    public void A_round_the_clock_calendar_runs_working_time_as_real_time_across_midnight()
    {
        var calendar = Calendar with
        {
            WeeklyHours = [.. Enum.GetValues<DayOfWeek>().Select(day => new ServicePeriod(day, TimeOnly.MinValue, TimeOnly.MinValue))],
        };

        Assert.Equal(Shanghai(2026, 3, 8, 2, 0), calendar.AddWorkingTime(Shanghai(2026, 3, 7, 20, 0), TimeSpan.FromHours(6)));
        Assert.Equal(Shanghai(2026, 3, 8, 0, 0), calendar.AddWorkingTime(Shanghai(2026, 3, 7, 20, 0), TimeSpan.FromHours(4)));
        Assert.True(calendar.IsOpen(Shanghai(2026, 3, 8, 0, 0)));
        Assert.Equal(TimeSpan.FromDays(7), calendar.WorkingTimeBetween(Shanghai(2026, 3, 2, 0, 0), Shanghai(2026, 3, 9, 0, 0)));
    }

    [Fact]
    public void A_calendar_without_service_hours_throws_a_clear_exception_instead_of_searching_for_ever()
    {
        var calendar = Calendar with { WeeklyHours = [] };

        var error = Assert.Throws<ServiceCalendarException>(() => calendar.AddWorkingTime(Shanghai(2026, 3, 2, 9, 0), TimeSpan.FromHours(2)));
        Assert.Contains("no service hours", error.Message, StringComparison.Ordinal);
        Assert.Throws<ServiceCalendarException>(() => calendar.NextOpening(Shanghai(2026, 3, 2, 9, 0)));
        Assert.False(calendar.IsOpen(Shanghai(2026, 3, 2, 9, 0)));
        Assert.Equal(TimeSpan.Zero, calendar.WorkingTimeBetween(Shanghai(2026, 3, 2, 0, 0), Shanghai(2027, 3, 2, 0, 0)));
    }

    [Fact]
    public void Holidays_closing_every_opening_for_more_than_five_years_make_the_arithmetic_throw()
    {
        // Open on Mondays only, and every Monday for 300 weeks is a holiday.
        var calendar = Calendar with
        {
            WeeklyHours = [new ServicePeriod(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(12, 0))],
            Holidays = [.. Enumerable.Range(0, 300).Select(week => new DateOnly(2026, 3, 2).AddDays(7 * week))],
        };

        Assert.Throws<ServiceCalendarException>(() => calendar.NextOpening(Shanghai(2026, 3, 1, 9, 0)));

        // One Monday worked in the middle of them is enough to answer a short budget.
        var oneMondayWorked = calendar with { Holidays = [.. calendar.Holidays.Where(d => d != new DateOnly(2027, 3, 1))] };
        Assert.Equal(Shanghai(2027, 3, 1, 10, 0), oneMondayWorked.AddWorkingTime(Shanghai(2026, 3, 1, 9, 0), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void An_unknown_time_zone_makes_the_arithmetic_throw_a_clear_exception()
    {
        var calendar = Calendar with { TimeZone = "Mars/Olympus_Mons" };

        var error = Assert.Throws<ServiceCalendarException>(() => calendar.AddWorkingTime(Shanghai(2026, 3, 2, 9, 0), TimeSpan.FromHours(2)));
        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_working_time_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingTime(Shanghai(2026, 3, 2, 9, 0), TimeSpan.FromMinutes(-1)));
    }
}
