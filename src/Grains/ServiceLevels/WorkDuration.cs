using System.Globalization;
using System.Text.Json.Serialization;
using HotlineGrains.Grains.Calendars;
using Orleans;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>
/// An amount of working time as the regulations state it: "2 working hours", "3 working days",
/// "1 minute". Days are kept as days and converted with the calendar's standard day length only
/// when a deadline is computed, so editing the calendar changes every "working day" budget.
/// Serialises as <c>{"days":3}</c>, <c>{"hours":2}</c>, <c>{"minutes":1}</c> (zero parts omitted).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public readonly record struct WorkDuration
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Days { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Hours { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Minutes { get; init; }

    /// <summary>Nothing at all (an invalid budget: use no budget for "no clock").</summary>
    [JsonIgnore]
    public bool IsZero => Days == 0 && Hours == 0 && Minutes == 0;

    /// <summary>Whether any part is negative.</summary>
    [JsonIgnore]
    public bool IsNegative => Days < 0 || Hours < 0 || Minutes < 0;

    public static WorkDuration FromDays(int days) => new() { Days = days };

    public static WorkDuration FromHours(int hours) => new() { Hours = hours };

    public static WorkDuration FromMinutes(int minutes) => new() { Minutes = minutes };

    /// <summary>Working time, with a working day of <paramref name="standardDayLength"/>.</summary>
    /// <exception cref="OverflowException">Too long for a <see cref="TimeSpan"/>.</exception>
    public TimeSpan ToWorkingTime(TimeSpan standardDayLength) => TimeSpan.FromTicks(checked(
        (Days * standardDayLength.Ticks) + (Hours * TimeSpan.TicksPerHour) + (Minutes * TimeSpan.TicksPerMinute)));

    /// <summary>Working time on <paramref name="calendar"/> (its standard day length).</summary>
    public TimeSpan ToWorkingTime(ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return ToWorkingTime(calendar.StandardDayLength);
    }

    /// <summary>Total minutes with days counted as 24 hours: the longest this can ever mean.</summary>
    internal long MaxMinutes => ((long)Days * 24 * 60) + ((long)Hours * 60) + Minutes;

    public override string ToString()
    {
        var parts = new List<string>(3);
        if (Days != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Days} working day{(Days == 1 ? "" : "s")}"));
        }

        if (Hours != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Hours} working hour{(Hours == 1 ? "" : "s")}"));
        }

        if (Minutes != 0 || parts.Count == 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Minutes} minute{(Minutes == 1 ? "" : "s")}"));
        }

        return string.Join(" ", parts);
    }
}
