using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.TimeZones;
using Orleans;

namespace HotlineGrains.Grains.Calendars;

/// <summary>
/// A project's service calendar: when the hotline is staffed, in the project's own time zone.
/// "Working time" (SPEC §4.1) is time inside these hours; every SLA clock runs on it.
/// </summary>
/// <remarks>
/// <para>
/// Immutable and value-equal; serialises with <c>JsonSerializerDefaults.Web</c> as stored in grain
/// state and sent over the REST API. Anything may be deserialised: <see cref="Validate"/> says
/// what is wrong, field by field, and the arithmetic refuses only what it cannot do (an unknown
/// time zone, no service hours for five years) with a <see cref="ServiceCalendarException"/>.
/// </para>
/// <para>
/// All operations take and return UTC instants (<see cref="DateTimeOffset"/>; results carry offset
/// zero). Service hours are local wall-clock hours, resolved day by day with the zone's rules, so
/// on a daylight-saving change day a period 08:00–12:00 is still four hours of working time. When
/// the change falls inside a period, the period lasts the real elapsed time between its local
/// start and end (00:00–06:00 is five hours on the spring-forward day, seven on the fall-back day):
/// the hotline is staffed from the wall-clock start to the wall-clock end, and that is how long
/// customers had someone to answer. A local time that does not exist (skipped by a spring-forward
/// gap) is read as the first instant after the gap; a local time that happens twice is read as its
/// first occurrence. In both cases that is "the first instant the wall clock shows at least this
/// time", so a period opens as soon as its start has come and closes as soon as its end has.
/// </para>
/// </remarks>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ServiceCalendar
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>
    /// A calendar with no service hours for this many consecutive days (five years) is refused:
    /// <see cref="Validate"/> reports it, and the arithmetic throws instead of searching forever.
    /// </summary>
    public const int MaxClosedDays = (5 * 365) + 2;

    private static readonly ZoneLocalMappingResolver FirstInstantAtOrAfter =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private Compiled? compiled;

    /// <summary>
    /// The standard working day (8 hours): what "1 working day" means as a duration of working
    /// time (SPEC §4.1), the statutory 8-hour working day.
    /// </summary>
    public static TimeSpan DefaultStandardDayLength { get; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Monday to Friday, 08:00–12:00 and 13:30–17:30. Seed 000 §六(一) asks for "7-8 小时热线服务":
    /// these are 8 hours, a full standard working day, so "1 working day" runs from any moment to
    /// the same moment of the next service day. The 12:00–13:30 gap is the usual lunch break
    /// (午休) of a Chinese property office. The day opens at 08:00, when the default outbound
    /// quiet hours (18:00–08:00) end, and closes half an hour before they begin, which leaves
    /// time for the day's last callbacks. Weekends are closed: a five-day week is what makes
    /// 调休 (extra working days on a weekend) meaningful; projects staffing weekends add periods.
    /// </summary>
    public static IReadOnlyList<ServicePeriod> DefaultWeeklyHours { get; } =
    [
        .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .SelectMany(day => new[]
            {
                new ServicePeriod(day, new TimeOnly(8, 0), new TimeOnly(12, 0)),
                new ServicePeriod(day, new TimeOnly(13, 30), new TimeOnly(17, 30)),
            }),
    ];

    /// <summary>The default calendar: Asia/Shanghai, <see cref="DefaultWeeklyHours"/>, no holidays.</summary>
    public static ServiceCalendar Default { get; } = new();

    /// <summary>IANA time zone id (<c>Asia/Shanghai</c>, <c>Europe/London</c>); service hours are local to it.</summary>
    public string TimeZone
    {
        get;
        init
        {
            field = value ?? string.Empty;
            compiled = null;
        }
    } = DefaultTimeZone;

    /// <summary>Weekly service hours: any number of periods per weekday, none on a closed weekday.</summary>
    public IReadOnlyList<ServicePeriod> WeeklyHours
    {
        get;
        init
        {
            field = value is null ? ImmutableArray<ServicePeriod>.Empty : [.. value];
            compiled = null;
        }
    } = DefaultWeeklyHours;

    /// <summary>Dates (project time) with no service at all, whatever the weekday.</summary>
    public IReadOnlyList<DateOnly> Holidays
    {
        get;
        init
        {
            field = value is null ? ImmutableArray<DateOnly>.Empty : [.. value];
            compiled = null;
        }
    } = ImmutableArray<DateOnly>.Empty;

    /// <summary>
    /// 调休: dates worked although their weekday is normally closed. They use the hours of
    /// <see cref="ExtraWorkingDayTemplate"/> (on a normally open weekday, too).
    /// </summary>
    public IReadOnlyList<DateOnly> ExtraWorkingDays
    {
        get;
        init
        {
            field = value is null ? ImmutableArray<DateOnly>.Empty : [.. value];
            compiled = null;
        }
    } = ImmutableArray<DateOnly>.Empty;

    /// <summary>The weekday whose service hours an extra working day has (default Monday).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<DayOfWeek>))]
    public DayOfWeek ExtraWorkingDayTemplate
    {
        get;
        init
        {
            field = value;
            compiled = null;
        }
    } = DayOfWeek.Monday;

    /// <summary>What "1 working day" means as working time (default 8 hours); in (0, 24h].</summary>
    public TimeSpan StandardDayLength { get; init; } = DefaultStandardDayLength;

    /// <summary>The resolved time zone.</summary>
    /// <exception cref="ServiceCalendarException">The time zone is not a known IANA id.</exception>
    [JsonIgnore]
    public DateTimeZone Zone => Rules.Zone
        ?? throw new ServiceCalendarException($"The service calendar's time zone '{TimeZone}' is not a known IANA time zone.");

    private Compiled Rules => compiled ??= new Compiled(this);

    // Local time is read from NodaTime's TZDB, the database that validated the zone: the host's own
    // (TimeZoneInfo) may lack a zone, or the whole of tzdata in a slim container image.

    /// <summary>The instant as the project's wall clock shows it, with the offset in force then.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset at) => Instant.FromDateTimeOffset(at).InZone(Zone).ToDateTimeOffset();

    /// <summary>The project's date at the instant.</summary>
    public DateOnly LocalDateOf(DateTimeOffset at) => LocalDateOf(Instant.FromDateTimeOffset(at));

    /// <summary>The instant the project's day <paramref name="date"/> begins (after a gap at midnight, when it ends).</summary>
    public DateTimeOffset StartOf(DateOnly date) => LocalDate.FromDateOnly(date).AtStartOfDayInZone(Zone).ToDateTimeOffset().ToUniversalTime();

    /// <summary>The project-local date of <paramref name="instant"/> (its service day), by the same tzdb rules as the arithmetic.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => LocalDateOf(Instant.FromDateTimeOffset(instant));

    /// <summary><paramref name="days"/> working days as working time: days × <see cref="StandardDayLength"/>.</summary>
    public TimeSpan WorkingDays(int days) => StandardDayLength * days;

    /// <summary>Whether the hotline is in service at <paramref name="instant"/> (periods include their start, exclude their end).</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var at = Instant.FromDateTimeOffset(instant);
        var date = LocalDateOf(at);
        for (var day = date.AddDays(-1); day <= date.AddDays(1); day = day.AddDays(1))
        {
            foreach (var (start, end) in IntervalsOn(day))
            {
                if (start <= at && at < end)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary><paramref name="instant"/> itself if the hotline is open then, else the start of the next service period.</summary>
    /// <exception cref="ServiceCalendarException">No service hours within <see cref="MaxClosedDays"/> days.</exception>
    public DateTimeOffset NextOpening(DateTimeOffset instant)
    {
        var at = Instant.FromDateTimeOffset(instant);
        foreach (var (start, _) in OpeningsFrom(at))
        {
            return Max(start, at).ToDateTimeOffset();
        }

        throw new UnreachableException();
    }

    /// <summary>
    /// The instant at which <paramref name="workingTime"/> of service time has elapsed after
    /// <paramref name="start"/>. A start outside service hours counts from the next opening (so
    /// zero working time gives <see cref="NextOpening"/>). The answer is never inside a closed gap:
    /// a budget that runs out exactly at a period's end answers that end, not the next opening.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workingTime"/> is negative.</exception>
    /// <exception cref="ServiceCalendarException">No service hours within <see cref="MaxClosedDays"/> days.</exception>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan workingTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingTime, TimeSpan.Zero);
        var from = Instant.FromDateTimeOffset(start);
        var remaining = Duration.FromTimeSpan(workingTime);
        foreach (var (open, close) in OpeningsFrom(from))
        {
            var begin = Max(open, from);
            var available = close - begin;
            if (remaining <= available)
            {
                return (begin + remaining).ToDateTimeOffset();
            }

            remaining -= available;
        }

        throw new UnreachableException();
    }

    /// <summary>
    /// Service time between two instants. Negative when <paramref name="to"/> is before
    /// <paramref name="from"/> (so "remaining" can say how far past due a clock is).
    /// </summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -WorkingTimeBetween(to, from);
        }

        var a = Instant.FromDateTimeOffset(from);
        var b = Instant.FromDateTimeOffset(to);
        var total = Duration.Zero;
        var last = LocalDateOf(b).AddDays(1);
        for (var day = LocalDateOf(a).AddDays(-1); day <= last; day = day.AddDays(1))
        {
            foreach (var (open, close) in IntervalsOn(day))
            {
                var lo = Max(open, a);
                var hi = Min(close, b);
                if (hi > lo)
                {
                    total += hi - lo;
                }
            }

            if (day == DateOnly.MaxValue)
            {
                break;
            }
        }

        return total.ToTimeSpan();
    }

    /// <summary>
    /// The service periods of one local date as UTC instants (after holidays, extra working days and
    /// the zone's daylight-saving rules), in order. Empty on a closed day.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> ServiceHoursOn(DateOnly date) =>
        [.. IntervalsOn(date).Select(interval => (interval.Start.ToDateTimeOffset(), interval.End.ToDateTimeOffset()))];

    /// <summary>
    /// Everything wrong with this calendar, each naming its field (camelCase JSON path): unknown time
    /// zone, periods ending before they start or overlapping, no service hours, a date that is both a
    /// holiday and an extra working day, a template weekday without hours, a standard day length
    /// outside (0, 24h], holidays closing the service for more than five years. Empty when usable.
    /// </summary>
    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();

        if (string.IsNullOrWhiteSpace(TimeZone))
        {
            problems.Add(new("timeZone", "A time zone is required, e.g. Asia/Shanghai."));
        }
        else if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) is null)
        {
            problems.Add(new("timeZone", $"'{TimeZone}' is not a known IANA time zone (ids are case-sensitive, e.g. Asia/Shanghai)."));
        }

        ValidatePeriods(problems);

        var holidays = Holidays.ToHashSet();
        for (var i = 0; i < ExtraWorkingDays.Count; i++)
        {
            if (holidays.Contains(ExtraWorkingDays[i]))
            {
                problems.Add(new($"extraWorkingDays[{i}]",
                    $"{Format(ExtraWorkingDays[i])} is also a holiday; a date is either a holiday or an extra working day."));
            }
        }

        if (!Enum.IsDefined(ExtraWorkingDayTemplate))
        {
            problems.Add(new("extraWorkingDayTemplate", "Must be a weekday, Monday to Sunday."));
        }
        else if (ExtraWorkingDays.Count > 0 && Rules.HoursOf(ExtraWorkingDayTemplate).IsEmpty)
        {
            problems.Add(new("extraWorkingDayTemplate",
                $"{ExtraWorkingDayTemplate} has no service hours, so the extra working days would have none."));
        }

        if (StandardDayLength <= TimeSpan.Zero || StandardDayLength > TimeSpan.FromDays(1))
        {
            problems.Add(new("standardDayLength", "The standard working day must be longer than zero and at most 24 hours."));
        }

        if (Rules.HasWeeklyHours && LongestClosedRun() is { Days: > MaxClosedDays } run)
        {
            problems.Add(new("holidays",
                $"The holidays close the service for {run.Days} days in a row from {Format(run.From)}; a calendar must open at least once every five years."));
        }

        return problems;
    }

    public bool Equals(ServiceCalendar? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (TimeZone == other.TimeZone
                && ExtraWorkingDayTemplate == other.ExtraWorkingDayTemplate
                && StandardDayLength == other.StandardDayLength
                && WeeklyHours.SequenceEqual(other.WeeklyHours)
                && Holidays.SequenceEqual(other.Holidays)
                && ExtraWorkingDays.SequenceEqual(other.ExtraWorkingDays)));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(TimeZone, StringComparer.Ordinal);
        hash.Add(ExtraWorkingDayTemplate);
        hash.Add(StandardDayLength);
        foreach (var period in WeeklyHours)
        {
            hash.Add(period);
        }

        foreach (var date in Holidays)
        {
            hash.Add(date);
        }

        hash.Add(-1);
        foreach (var date in ExtraWorkingDays)
        {
            hash.Add(date);
        }

        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"TimeZone = {TimeZone}, WeeklyHours = [{string.Join(", ", WeeklyHours)}], Holidays = [{string.Join(", ", Holidays.Select(Format))}], ExtraWorkingDays = [{string.Join(", ", ExtraWorkingDays.Select(Format))}], ExtraWorkingDayTemplate = {ExtraWorkingDayTemplate}, StandardDayLength = {StandardDayLength}");
        return true;
    }

    /// <summary>The first instant at which the zone's wall clock shows at least <paramref name="local"/>.</summary>
    internal static Instant AtOrAfter(DateTimeZone zone, LocalDateTime local) =>
        zone.ResolveLocal(local, FirstInstantAtOrAfter).ToInstant();

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private DateOnly LocalDateOf(Instant instant) => instant.InZone(Zone).Date.ToDateOnly();

    /// <summary>Service intervals of one local date, as instants: sorted, disjoint, none empty.</summary>
    private IEnumerable<(Instant Start, Instant End)> IntervalsOn(DateOnly date)
    {
        var periods = Rules.PeriodsOn(date);
        if (periods.IsEmpty)
        {
            yield break;
        }

        var zone = Zone;
        var midnight = LocalDate.FromDateOnly(date).AtMidnight();
        foreach (var (start, end) in periods)
        {
            var open = AtOrAfter(zone, midnight.PlusTicks(start.Ticks));
            var close = AtOrAfter(zone, midnight.PlusTicks(end.Ticks));
            if (close > open)
            {
                yield return (open, close);
            }
        }
    }

    /// <summary>Service intervals ending after <paramref name="from"/>, in order, for ever; throws after five closed years.</summary>
    private IEnumerable<(Instant Start, Instant End)> OpeningsFrom(Instant from)
    {
        var closedDays = 0;
        for (var day = LocalDateOf(from).AddDays(-1); ; day = day.AddDays(1))
        {
            var any = false;
            foreach (var interval in IntervalsOn(day))
            {
                any = true;
                if (interval.End > from)
                {
                    yield return interval;
                }
            }

            closedDays = any ? 0 : closedDays + 1;
            if (closedDays > MaxClosedDays)
            {
                throw new ServiceCalendarException(string.Create(CultureInfo.InvariantCulture,
                    $"The service calendar has no service hours for {MaxClosedDays} days after {from}: check its weekly hours, holidays and extra working days."));
            }

            if (day == DateOnly.MaxValue)
            {
                throw new ServiceCalendarException(string.Create(CultureInfo.InvariantCulture,
                    $"The service calendar has no service hours between {from} and the end of year 9999."));
            }
        }
    }

    private void ValidatePeriods(List<ValidationProblem> problems)
    {
        var usable = new List<(int Index, ServicePeriod Period)>();
        for (var i = 0; i < WeeklyHours.Count; i++)
        {
            var period = WeeklyHours[i];
            var path = $"weeklyHours[{i}]";
            if (period is null)
            {
                problems.Add(new(path, "A service period is required here."));
                continue;
            }

            if (!Enum.IsDefined(period.Day))
            {
                problems.Add(new($"{path}.day", "Must be a weekday, Monday to Sunday."));
                continue;
            }

            if (period.EndOffset <= period.StartOffset)
            {
                problems.Add(new($"{path}.end", string.Create(CultureInfo.InvariantCulture,
                    $"The period ends at {period.End:HH\\:mm}, not after it starts at {period.Start:HH\\:mm}; periods cannot cross midnight (split them; 00:00 as an end means midnight).")));
                continue;
            }

            usable.Add((i, period));
        }

        foreach (var day in usable.GroupBy(p => p.Period.Day))
        {
            var ordered = day.OrderBy(p => p.Period.StartOffset).ThenBy(p => p.Index).ToList();
            for (var j = 1; j < ordered.Count; j++)
            {
                // Compare with the latest-ending earlier period, not just the previous one.
                var earlier = ordered.Take(j).MaxBy(p => p.Period.EndOffset);
                if (earlier.Period.EndOffset > ordered[j].Period.StartOffset)
                {
                    problems.Add(new($"weeklyHours[{ordered[j].Index}]",
                        $"{ordered[j].Period} overlaps weeklyHours[{earlier.Index}] ({earlier.Period})."));
                }
            }
        }

        if (!Rules.HasWeeklyHours)
        {
            problems.Add(new("weeklyHours", "The calendar has no service hours: add at least one service period."));
        }
    }

    /// <summary>The longest run of consecutive closed days that the holidays create (weekly hours permitting).</summary>
    private (DateOnly From, int Days)? LongestClosedRun()
    {
        var rules = Rules;
        var closedHolidays = Holidays.Where(h => !rules.ExtraWorkingDays.Contains(h)).Distinct().Order().ToList();
        if (closedHolidays.Count == 0)
        {
            return null;
        }

        bool Closed(DateOnly date) => rules.PeriodsOn(date).IsEmpty;

        (DateOnly From, int Days)? longest = null;
        DateOnly runStart = default, runEnd = default;
        var inRun = false;

        void Close()
        {
            // Ordinary closed weekdays after the last holiday of the run (at most six).
            var end = runEnd;
            while (end < DateOnly.MaxValue && Closed(end.AddDays(1)))
            {
                end = end.AddDays(1);
            }

            var days = end.DayNumber - runStart.DayNumber + 1;
            if (longest is null || days > longest.Value.Days)
            {
                longest = (runStart, days);
            }
        }

        foreach (var holiday in closedHolidays)
        {
            var continues = inRun && holiday.DayNumber - runEnd.DayNumber <= 7
                && Enumerable.Range(1, holiday.DayNumber - runEnd.DayNumber - 1).All(k => Closed(runEnd.AddDays(k)));
            if (continues)
            {
                runEnd = holiday;
                continue;
            }

            if (inRun)
            {
                Close();
            }

            runStart = holiday;
            while (runStart > DateOnly.MinValue && Closed(runStart.AddDays(-1)) && runStart.DayNumber - holiday.DayNumber > -7)
            {
                runStart = runStart.AddDays(-1);
            }

            runEnd = holiday;
            inRun = true;
        }

        Close();
        return longest;
    }

    /// <summary>Lookups derived from the public members; rebuilt whenever one of them changes.</summary>
    private sealed class Compiled
    {
        private readonly ImmutableArray<(TimeSpan Start, TimeSpan End)>[] byDay = new ImmutableArray<(TimeSpan, TimeSpan)>[7];
        private readonly FrozenSet<DateOnly> holidays;
        private readonly DayOfWeek template;

        public Compiled(ServiceCalendar calendar)
        {
            Zone = string.IsNullOrWhiteSpace(calendar.TimeZone) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(calendar.TimeZone);
            for (var day = 0; day < 7; day++)
            {
                byDay[day] = Merge(calendar.WeeklyHours
                    .Where(p => p is not null && (int)p.Day == day && p.EndOffset > p.StartOffset)
                    .Select(p => (p.StartOffset, p.EndOffset)));
            }

            holidays = calendar.Holidays.ToFrozenSet();
            ExtraWorkingDays = calendar.ExtraWorkingDays.ToFrozenSet();
            template = calendar.ExtraWorkingDayTemplate;
            HasWeeklyHours = byDay.Any(periods => !periods.IsEmpty);
        }

        public DateTimeZone? Zone { get; }

        public FrozenSet<DateOnly> ExtraWorkingDays { get; }

        public bool HasWeeklyHours { get; }

        public ImmutableArray<(TimeSpan Start, TimeSpan End)> HoursOf(DayOfWeek day) =>
            (int)day is >= 0 and < 7 ? byDay[(int)day] : [];

        /// <summary>A holiday wins over an extra working day (a date listed as both is a validation problem).</summary>
        public ImmutableArray<(TimeSpan Start, TimeSpan End)> PeriodsOn(DateOnly date) =>
            holidays.Contains(date) ? []
            : ExtraWorkingDays.Contains(date) ? HoursOf(template)
            : HoursOf(date.DayOfWeek);

        /// <summary>Sorted, with overlapping or touching periods joined, so arithmetic on an unvalidated calendar never counts time twice.</summary>
        private static ImmutableArray<(TimeSpan Start, TimeSpan End)> Merge(IEnumerable<(TimeSpan Start, TimeSpan End)> periods)
        {
            var merged = new List<(TimeSpan Start, TimeSpan End)>();
            foreach (var (start, end) in periods.OrderBy(p => p.Start))
            {
                if (merged.Count > 0 && merged[^1].End >= start)
                {
                    merged[^1] = (merged[^1].Start, end > merged[^1].End ? end : merged[^1].End);
                }
                else
                {
                    merged.Add((start, end));
                }
            }

            return [.. merged];
        }
    }
}
