using HotlineGrains.Grains.Calendars;
using NodaTime;
using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>
/// When each relationship callback (seed 003 §六.二, SPEC §6) falls due. Every date is a calendar
/// date in the project's time zone, at <see cref="TimeOfDay"/>; each role has days of its own so a
/// customer is never called by two of them on the same day:
/// <list type="table">
/// <item><term>AccountManager 客户经理, twice a month, every tier</term><description>the 1st and the 16th of every month</description></item>
/// <item><term>DepartmentManager 部门经理, monthly, every tier</term><description>the 8th of every month</description></item>
/// <item><term>DivisionHead 分管领导, quarterly, tiers A and B</term><description>the 22nd of January, April, July and October</description></item>
/// <item><term>President 总裁, yearly, tier A</term><description>12 January</description></item>
/// </list>
/// A callback is a call someone makes from the office, so when 10:00 on its date is outside the
/// project's service hours (a weekend, a holiday) it is due when the service calendar next opens.
/// </summary>
public static class RelationshipCallbacks
{
    /// <summary>10:00 project time: well inside service hours and quiet hours (18:00–08:00), and after the morning rush.</summary>
    public static readonly TimeOnly TimeOfDay = new(10, 0);

    public static IReadOnlyList<CallerRole> RolesFor(CustomerTier tier) => tier switch
    {
        CustomerTier.A => [CallerRole.AccountManager, CallerRole.DepartmentManager, CallerRole.DivisionHead, CallerRole.President],
        CustomerTier.B => [CallerRole.AccountManager, CallerRole.DepartmentManager, CallerRole.DivisionHead],
        _ => [CallerRole.AccountManager, CallerRole.DepartmentManager],
    };

    /// <summary>The days of <paramref name="month"/> (1–12) on which <paramref name="role"/> calls.</summary>
    public static IReadOnlyList<int> DaysOf(CallerRole role, int month) => role switch
    {
        CallerRole.AccountManager => [1, 16],
        CallerRole.DepartmentManager => [8],
        CallerRole.DivisionHead when month % 3 == 1 => [22],
        CallerRole.President when month == 1 => [12],
        _ => [],
    };

    /// <summary>The role's dates on or after <paramref name="from"/>, in order, without end.</summary>
    public static IEnumerable<DateOnly> DatesFrom(CallerRole role, DateOnly from)
    {
        for (var month = new DateOnly(from.Year, from.Month, 1); ; month = month.AddMonths(1))
        {
            foreach (var day in DaysOf(role, month.Month))
            {
                var date = new DateOnly(month.Year, month.Month, day);
                if (date >= from)
                {
                    yield return date;
                }
            }
        }
    }

    /// <summary>When the callback of <paramref name="date"/> is due: 10:00 project time, or the next opening if the hotline is closed then.</summary>
    public static DateTimeOffset DueAt(DateOnly date, ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var at = calendar.Zone.AtLeniently(LocalDate.FromDateOnly(date).At(LocalTime.FromTimeOnly(TimeOfDay))).ToDateTimeOffset().ToUniversalTime();
        return calendar.IsOpen(at) ? at : calendar.NextOpening(at);
    }

    /// <summary>
    /// The first callback of <paramref name="role"/> dated on or after <paramref name="fromDate"/>
    /// that is due after <paramref name="after"/>. Dates whose time has passed are skipped, not
    /// owed: a customer called late once is not then called twice in a row.
    /// </summary>
    public static PlannedCallback Next(CallerRole role, DateOnly fromDate, DateTimeOffset after, ServiceCalendar calendar) =>
        DatesFrom(role, fromDate)
            .Select(date => new PlannedCallback(role, date, DueAt(date, calendar)))
            .First(plan => plan.DueAt > after);

    /// <summary>The first callback of <paramref name="role"/> after <paramref name="now"/>, for a customer just registered or moved to a new tier.</summary>
    public static PlannedCallback First(CallerRole role, DateTimeOffset now, ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var today = Instant.FromDateTimeOffset(now).InZone(calendar.Zone).Date.ToDateOnly();
        return Next(role, today, now, calendar);
    }

    /// <summary>The callback after the one dated <paramref name="previous"/>, due after <paramref name="now"/>.</summary>
    public static PlannedCallback After(PlannedCallback previous, DateTimeOffset now, ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return Next(previous.Role, previous.Date.AddDays(1), now, calendar);
    }
}

/// <summary>The next relationship callback of <see cref="Role"/>: its calendar date and when it is due.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record PlannedCallback(CallerRole Role, DateOnly Date, DateTimeOffset DueAt);
