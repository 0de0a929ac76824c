using System.Globalization;
using HotlineGrains.Gateway.Api;

namespace HotlineGrains.Gateway.Reports;

/// <summary>
/// The service days a report covers, from <see cref="From"/> to <see cref="To"/> inclusive, each in
/// its project's time zone: a day (<c>2026-11-03</c>), an ISO week (<c>2026-W45</c>, Monday to
/// Sunday), a month (<c>2026-11</c>) or a custom range of dates.
/// </summary>
public sealed record ReportPeriod(string Kind, string Label, DateOnly From, DateOnly To)
{
    /// <summary>The longest custom range: a year and a day (a leap year).</summary>
    public const int MaxRangeDays = 366;

    internal static (ReportPeriod? Period, IResult? Problem) Day(string date) =>
        ParseDate(date) is { } day ? (new("day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day, day), null)
            : (null, Problems.Invalid("date", "A date like 2026-11-03, years 2000–2100."));

    internal static (ReportPeriod? Period, IResult? Problem) Week(string week)
    {
        if (week.Length == 8 && week[4] == '-' && week[5] == 'W'
            && int.TryParse(week.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100
            && int.TryParse(week.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= ISOWeek.GetWeeksInYear(year))
        {
            var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, number, DayOfWeek.Monday));
            return (new("week", week, monday, monday.AddDays(6)), null);
        }

        return (null, Problems.Invalid("week", "An ISO week like 2026-W45 (week 01 to 52 or 53 of the year), years 2000–2100."));
    }

    internal static (ReportPeriod? Period, IResult? Problem) Month(string month)
    {
        if (DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            && month.Length == 7 && first.Year is >= 2000 and <= 2100)
        {
            return (new("month", month, first, first.AddMonths(1).AddDays(-1)), null);
        }

        return (null, Problems.Invalid("month", "A month like 2026-11, years 2000–2100."));
    }

    internal static (ReportPeriod? Period, IResult? Problem) Range(string? from, string? to)
    {
        var check = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var start = ParseDate(from);
        var end = ParseDate(to);
        if (start is null)
        {
            check["from"] = [from is null ? "Required: the first date, like 2026-11-03." : "A date like 2026-11-03, years 2000–2100."];
        }

        if (end is null)
        {
            check["to"] = [to is null ? "Required: the last date (included), like 2026-11-30." : "A date like 2026-11-30, years 2000–2100."];
        }
        else if (start is { } s && (end < s || end.Value.DayNumber - s.DayNumber >= MaxRangeDays))
        {
            check["to"] = [$"On or after from, and at most {MaxRangeDays} days from it."];
        }

        return check.Count > 0 ? (null, Problems.Invalid(check))
            : (new("range", $"{from}..{to}", start!.Value, end!.Value), null);
    }

    private static DateOnly? ParseDate(string? value) =>
        value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.Year is >= 2000 and <= 2100 ? date : null;
}
