using System.Text.Json;
using HotlineGrains.Grains.Calendars;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Calendars;

/// <summary>What the API answers 400 about, and how a calendar travels as JSON.</summary>
public sealed class ServiceCalendarValidationTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static ServicePeriod Period(DayOfWeek day, int startHour, int startMinute, int endHour, int endMinute) =>
        new(day, new TimeOnly(startHour, startMinute), new TimeOnly(endHour, endMinute));

    [Fact]
    public void Each_problem_names_its_field()
    {
        var calendar = new ServiceCalendar
        {
            TimeZone = "Asia/Shangai",
            WeeklyHours =
            [
                Period(DayOfWeek.Monday, 8, 0, 12, 0),
                Period(DayOfWeek.Monday, 11, 0, 14, 0),
                Period(DayOfWeek.Tuesday, 17, 0, 9, 0),
            ],
            Holidays = [new DateOnly(2026, 10, 1)],
            ExtraWorkingDays = [new DateOnly(2026, 9, 27), new DateOnly(2026, 10, 1)],
            StandardDayLength = TimeSpan.Zero,
        };

        var problems = calendar.Validate();

        Assert.Equal(
            ["timeZone", "weeklyHours[2].end", "weeklyHours[1]", "extraWorkingDays[1]", "standardDayLength"],
            problems.Select(p => p.Field));
        Assert.Contains("Asia/Shangai", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("weeklyHours[0]", problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("2026-10-01", problems[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_without_any_service_hours_is_a_problem_on_weekly_hours()
    {
        var problems = (ServiceCalendar.Default with { WeeklyHours = [] }).Validate();

        Assert.Equal(["weeklyHours"], problems.Select(p => p.Field));
    }

    [Fact]
    public void A_standard_day_longer_than_24_hours_is_a_problem()
    {
        var problems = (ServiceCalendar.Default with { StandardDayLength = TimeSpan.FromHours(25) }).Validate();

        Assert.Equal(["standardDayLength"], problems.Select(p => p.Field));
        Assert.Empty((ServiceCalendar.Default with { StandardDayLength = TimeSpan.FromHours(24) }).Validate());
    }

    [Fact]
    public void A_period_ending_at_midnight_is_written_00_00_and_is_valid()
    {
        var calendar = ServiceCalendar.Default with { WeeklyHours = [Period(DayOfWeek.Saturday, 20, 0, 0, 0)] };

        Assert.Empty(calendar.Validate());
        Assert.Equal([(Shanghai(2026, 3, 7, 20, 0), Shanghai(2026, 3, 8, 0, 0))], calendar.ServiceHoursOn(new DateOnly(2026, 3, 7)));
    }

    [Fact]
    public void Extra_working_days_on_a_template_weekday_without_hours_are_a_problem()
    {
        var problems = (ServiceCalendar.Default with
        {
            ExtraWorkingDays = [new DateOnly(2026, 10, 10)],
            ExtraWorkingDayTemplate = DayOfWeek.Sunday,
        }).Validate();

        Assert.Equal(["extraWorkingDayTemplate"], problems.Select(p => p.Field));
    }

    [Fact]
    public void Holidays_closing_the_service_for_more_than_five_years_are_a_problem()
    {
        var everyDay = Enumerable.Range(0, ServiceCalendar.MaxClosedDays + 1).Select(i => new DateOnly(2026, 1, 1).AddDays(i)).ToList();

        var problems = (ServiceCalendar.Default with { Holidays = everyDay }).Validate();
        Assert.Equal(["holidays"], problems.Select(p => p.Field));

        // A single working Monday in the middle breaks the run.
        var oneWorked = everyDay.Where(d => d != new DateOnly(2028, 6, 5)).ToList();
        Assert.Empty((ServiceCalendar.Default with { Holidays = oneWorked }).Validate());
    }

    [Fact]
    public void Problems_can_be_placed_under_the_document_that_holds_the_calendar()
    {
        var problem = new ValidationProblem("weeklyHours[2].end", "x");

        Assert.Equal("calendar.weeklyHours[2].end", problem.Under("calendar").Field);
    }

    [Fact]
    public void A_calendar_round_trips_through_web_JSON_and_stays_equal()
    {
        var calendar = ServiceCalendar.Default with
        {
            TimeZone = "Europe/London",
            Holidays = [new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 28)],
            ExtraWorkingDays = [new DateOnly(2026, 12, 19)],
            ExtraWorkingDayTemplate = DayOfWeek.Friday,
            StandardDayLength = TimeSpan.FromHours(7.5),
        };

        var json = JsonSerializer.Serialize(calendar, Json);
        var back = JsonSerializer.Deserialize<ServiceCalendar>(json, Json)!;

        Assert.Equal(calendar, back);
        Assert.Equal(calendar.GetHashCode(), back.GetHashCode());
        Assert.Contains("\"timeZone\":\"Europe/London\"", json, StringComparison.Ordinal);
        Assert.Contains("{\"day\":\"Monday\",\"start\":\"08:00:00\",\"end\":\"12:00:00\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"holidays\":[\"2026-12-25\",\"2026-12-28\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"extraWorkingDayTemplate\":\"Friday\"", json, StringComparison.Ordinal);
        Assert.Contains("\"standardDayLength\":\"07:30:00\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("zone\"", json, StringComparison.Ordinal);
        Assert.Equal(Utc(2026, 12, 29, 10, 0), back.AddWorkingTime(Utc(2026, 12, 24, 10, 0), TimeSpan.FromHours(8)));
    }

    [Fact]
    public void A_hand_written_calendar_fills_in_defaults_for_what_it_leaves_out()
    {
        const string json = """
            {
              "timeZone": "Asia/Shanghai",
              "weeklyHours": [ { "day": "Saturday", "start": "09:00", "end": "12:00" } ],
              "holidays": [ "2026-03-14" ]
            }
            """;

        var calendar = JsonSerializer.Deserialize<ServiceCalendar>(json, Json)!;

        Assert.Equal(TimeSpan.FromHours(8), calendar.StandardDayLength);
        Assert.Equal(DayOfWeek.Monday, calendar.ExtraWorkingDayTemplate);
        Assert.Empty(calendar.ExtraWorkingDays);
        Assert.Equal(Shanghai(2026, 3, 21, 10, 0), calendar.AddWorkingTime(Shanghai(2026, 3, 7, 11, 0), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_period_missing_its_end_is_refused_by_the_serializer_rather_than_read_as_midnight()
    {
        const string json = """{ "weeklyHours": [ { "day": "Monday", "start": "09:00" } ] }""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ServiceCalendar>(json, Json));
    }

    [Fact]
    public void Edited_copies_compute_with_their_own_rules()
    {
        var withHoliday = ServiceCalendar.Default with { Holidays = [new DateOnly(2026, 3, 3)] };
        _ = withHoliday.IsOpen(Shanghai(2026, 3, 3, 9, 0));

        var holidayRemoved = withHoliday with { Holidays = [] };

        Assert.False(withHoliday.IsOpen(Shanghai(2026, 3, 3, 9, 0)));
        Assert.True(holidayRemoved.IsOpen(Shanghai(2026, 3, 3, 9, 0)));
        Assert.Equal(ServiceCalendar.Default, holidayRemoved);
        Assert.NotEqual(ServiceCalendar.Default, withHoliday);
    }
}
