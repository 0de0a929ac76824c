using HotlineGrains.Grains.Calendars;

namespace HotlineGrains.Grains.Tests.Calendars;

/// <summary>
/// Laws of the arithmetic, checked over a deterministic grid of starts (every 97 minutes for three
/// weeks, across holidays, extra working days and daylight-saving changes) and budgets.
/// </summary>
public sealed class WorkingTimePropertyTests
{
    private static readonly TimeSpan[] Budgets =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(4), TimeSpan.FromHours(7) + TimeSpan.FromMinutes(59), TimeSpan.FromHours(8),
        TimeSpan.FromHours(16), TimeSpan.FromHours(24), TimeSpan.FromHours(56),
    ];

    public static TheoryData<string> Calendars => ["shanghai", "london", "new-york-nights"];

    private static ServiceCalendar CalendarNamed(string name) => name switch
    {
        "shanghai" => ServiceCalendar.Default with
        {
            Holidays = [new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 10)],
            ExtraWorkingDays = [new DateOnly(2026, 3, 14)],
        },
        "london" => ServiceCalendar.Default with { TimeZone = "Europe/London" },

        // Night shifts through the 02:00 changes: 20:00–24:00 and 00:00–04:00 every day.
        _ => ServiceCalendar.Default with
        {
            TimeZone = "America/New_York",
            WeeklyHours =
            [
                .. Enum.GetValues<DayOfWeek>().SelectMany(day => new[]
                {
                    new ServicePeriod(day, new TimeOnly(0, 0), new TimeOnly(4, 0)),
                    new ServicePeriod(day, new TimeOnly(20, 0), new TimeOnly(0, 0)),
                }),
            ],
        },
    };

    private static IEnumerable<DateOnly> FirstDays(string name) => name switch
    {
        "shanghai" => [new DateOnly(2026, 3, 1)],
        "london" => [new DateOnly(2026, 3, 20), new DateOnly(2026, 10, 16)],
        _ => [new DateOnly(2026, 3, 1), new DateOnly(2026, 10, 25)],
    };

    private static IEnumerable<DateTimeOffset> Starts(string name) =>
        FirstDays(name).SelectMany(day => Enumerable.Range(0, 21 * 24 * 60 / 97)
            .Select(i => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(97 * i)));

    [Theory]
    [MemberData(nameof(Calendars))]
    public void The_working_time_up_to_an_added_budget_is_the_budget(string name)
    {
        var calendar = CalendarNamed(name);
        foreach (var start in Starts(name))
        {
            foreach (var budget in Budgets)
            {
                var end = calendar.AddWorkingTime(start, budget);
                Assert.Equal(budget, calendar.WorkingTimeBetween(start, end));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Calendars))]
    public void An_added_budget_ends_in_service_hours_or_exactly_at_a_period_end(string name)
    {
        var calendar = CalendarNamed(name);
        foreach (var start in Starts(name))
        {
            foreach (var budget in Budgets)
            {
                var end = calendar.AddWorkingTime(start, budget);
                Assert.True(calendar.IsOpen(end) || calendar.IsOpen(end.AddTicks(-1)), $"{start:O} + {budget} = {end:O} is in a closed gap");
                Assert.True(end > calendar.NextOpening(start));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Calendars))]
    public void Adding_two_budgets_one_after_the_other_is_adding_their_sum(string name)
    {
        var calendar = CalendarNamed(name);
        foreach (var start in Starts(name))
        {
            var first = TimeSpan.FromHours(3);
            foreach (var budget in Budgets)
            {
                Assert.Equal(
                    calendar.AddWorkingTime(start, first + budget),
                    calendar.AddWorkingTime(calendar.AddWorkingTime(start, first), budget));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Calendars))]
    public void The_next_opening_is_open_and_no_working_time_passes_before_it(string name)
    {
        var calendar = CalendarNamed(name);
        foreach (var start in Starts(name))
        {
            var opening = calendar.NextOpening(start);
            Assert.True(opening >= start);
            Assert.True(calendar.IsOpen(opening));
            Assert.Equal(TimeSpan.Zero, calendar.WorkingTimeBetween(start, opening));
            Assert.Equal(calendar.IsOpen(start), opening == start);
        }
    }
}
