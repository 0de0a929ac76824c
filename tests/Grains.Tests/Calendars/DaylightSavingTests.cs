using HotlineGrains.Grains.Calendars;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Calendars;

/// <summary>
/// Projects in zones with daylight saving. Service hours are local wall-clock hours; a period the
/// change falls inside lasts the real elapsed time. London: clocks go 01:00 GMT → 02:00 BST on
/// Sunday 2026-03-29 and 02:00 BST → 01:00 GMT on Sunday 2026-10-25. New York: 02:00 EST → 03:00
/// EDT on Sunday 2026-03-08 and 02:00 EDT → 01:00 EST on Sunday 2026-11-01.
/// </summary>
public sealed class DaylightSavingTests
{
    private static readonly ServiceCalendar London = ServiceCalendar.Default with { TimeZone = "Europe/London" };
    private static readonly ServiceCalendar NewYork = ServiceCalendar.Default with { TimeZone = "America/New_York" };

    private static ServiceCalendar Sundays(ServiceCalendar calendar, int startHour, int startMinute, int endHour, int endMinute) =>
        calendar with { WeeklyHours = [new ServicePeriod(DayOfWeek.Sunday, new TimeOnly(startHour, startMinute), new TimeOnly(endHour, endMinute))] };

    [Fact]
    public void A_deadline_spanning_the_spring_switch_keeps_the_local_service_hours()
    {
        // Friday 10:00 GMT + 3 working days: 6 h on Friday, Monday and Tuesday (now BST), 2 h on Wednesday.
        Assert.Equal(Utc(2026, 4, 1, 9, 0), London.AddWorkingTime(Utc(2026, 3, 27, 10, 0), London.WorkingDays(3)));
        Assert.Equal(Utc(2026, 3, 30, 7, 0), London.NextOpening(Utc(2026, 3, 28, 12, 0)));
        Assert.Equal(TimeSpan.FromHours(24), London.WorkingTimeBetween(Utc(2026, 3, 27, 10, 0), Utc(2026, 4, 1, 9, 0)));
    }

    [Fact]
    public void A_deadline_spanning_the_autumn_switch_keeps_the_local_service_hours()
    {
        // Friday 10:00 EDT (14:00 UTC) + 3 working days lands on Wednesday 10:00 EST (15:00 UTC).
        Assert.Equal(Utc(2026, 11, 4, 15, 0), NewYork.AddWorkingTime(Utc(2026, 10, 30, 14, 0), NewYork.WorkingDays(3)));
    }

    [Fact]
    public void A_period_clear_of_the_change_is_its_wall_clock_length_on_the_change_day()
    {
        var calendar = Sundays(London, 8, 0, 12, 0);

        Assert.Equal([(Utc(2026, 3, 29, 7, 0), Utc(2026, 3, 29, 11, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 3, 29)));
        Assert.Equal([(Utc(2026, 10, 25, 8, 0), Utc(2026, 10, 25, 12, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 10, 25)));
    }

    [Fact]
    public void A_period_the_spring_change_falls_inside_lasts_the_real_elapsed_time()
    {
        // 00:00 GMT to 06:00 BST is five hours.
        var calendar = Sundays(London, 0, 0, 6, 0);

        Assert.Equal([(Utc(2026, 3, 29, 0, 0), Utc(2026, 3, 29, 5, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 3, 29)));
        Assert.Equal(Utc(2026, 3, 29, 5, 0), calendar.AddWorkingTime(Utc(2026, 3, 29, 0, 0), TimeSpan.FromHours(5)));
        // The sixth hour is the first of the next Sunday, which starts at 23:00 UTC on Saturday in summer time.
        Assert.Equal(Utc(2026, 4, 5, 0, 0), calendar.AddWorkingTime(Utc(2026, 3, 29, 0, 0), TimeSpan.FromHours(6)));
    }

    [Fact]
    public void A_period_the_autumn_change_falls_inside_lasts_the_real_elapsed_time()
    {
        // 00:00 BST (23:00 UTC the day before) to 06:00 GMT is seven hours.
        var calendar = Sundays(London, 0, 0, 6, 0);

        Assert.Equal([(Utc(2026, 10, 24, 23, 0), Utc(2026, 10, 25, 6, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 10, 25)));
        Assert.Equal(TimeSpan.FromHours(7), calendar.WorkingTimeBetween(Utc(2026, 10, 24, 0, 0), Utc(2026, 10, 26, 0, 0)));
    }

    [Fact]
    public void A_period_starting_in_the_spring_gap_opens_when_the_clocks_jump_past_its_start()
    {
        // 02:30 does not exist on 2026-03-08 in New York: the line opens at 03:00 EDT.
        var calendar = Sundays(NewYork, 2, 30, 4, 0);

        Assert.Equal([(Utc(2026, 3, 8, 7, 0), Utc(2026, 3, 8, 8, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 3, 8)));
        Assert.Equal(Utc(2026, 3, 8, 7, 0), calendar.NextOpening(Utc(2026, 3, 8, 5, 0)));
    }

    [Fact]
    public void A_period_ending_in_the_spring_gap_closes_when_the_clocks_jump_past_its_end()
    {
        // 01:00 EST to "02:30", which is reached at 03:00 EDT: one hour.
        var calendar = Sundays(NewYork, 1, 0, 2, 30);

        Assert.Equal([(Utc(2026, 3, 8, 6, 0), Utc(2026, 3, 8, 7, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 3, 8)));
    }

    [Fact]
    public void A_period_within_the_repeated_autumn_hour_is_open_once_at_its_first_occurrence()
    {
        var calendar = Sundays(NewYork, 1, 15, 1, 45);

        Assert.Equal([(Utc(2026, 11, 1, 5, 15), Utc(2026, 11, 1, 5, 45))], calendar.ServiceHoursOn(new DateOnly(2026, 11, 1)));
        Assert.True(calendar.IsOpen(Utc(2026, 11, 1, 5, 30)));
        Assert.False(calendar.IsOpen(Utc(2026, 11, 1, 6, 30)));
    }

    [Fact]
    public void A_period_spanning_the_repeated_autumn_hour_counts_it_twice()
    {
        // 01:00 EDT to 02:00 EST: two real hours.
        var calendar = Sundays(NewYork, 1, 0, 2, 0);

        Assert.Equal([(Utc(2026, 11, 1, 5, 0), Utc(2026, 11, 1, 7, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 11, 1)));
    }
}
