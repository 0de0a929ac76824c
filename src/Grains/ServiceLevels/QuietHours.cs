using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using HotlineGrains.Grains.Calendars;
using NodaTime;
using Orleans;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>
/// When agents must not call customers (SPEC §4.3; default 18:00–08:00), in project time (the
/// service calendar's time zone). <see cref="Start"/> is inclusive and <see cref="End"/>
/// exclusive; when End is earlier than Start the quiet hours wrap midnight. They apply every day,
/// holidays included: they are about not calling at night, not about service hours.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record QuietHours
{
    /// <summary>For the JSON serializer; both members are required.</summary>
    [JsonConstructor]
    public QuietHours()
    {
    }

    [SetsRequiredMembers]
    public QuietHours(TimeOnly start, TimeOnly end)
    {
        Start = start;
        End = end;
    }

    /// <summary>18:00–08:00.</summary>
    public static QuietHours Default { get; } = new(new TimeOnly(18, 0), new TimeOnly(8, 0));

    /// <summary>Local time outbound calls stop (inclusive).</summary>
    public required TimeOnly Start { get; init; }

    /// <summary>Local time outbound calls may start again (exclusive).</summary>
    public required TimeOnly End { get; init; }

    /// <summary>Whether a local wall-clock time is quiet.</summary>
    public bool Contains(TimeOnly localTime) =>
        End < Start
            ? localTime >= Start || localTime < End
            : localTime >= Start && localTime < End;

    /// <summary>Whether <paramref name="instant"/> is quiet in the project's time zone.</summary>
    public bool Contains(DateTimeOffset instant, ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Contains(Instant.FromDateTimeOffset(instant).InZone(calendar.Zone).TimeOfDay.ToTimeOnly());
    }

    /// <summary>
    /// The first instant at or after <paramref name="due"/> at which an outbound call is allowed:
    /// <paramref name="due"/> itself outside quiet hours, else the end of this quiet period in
    /// project time (the next morning for a callback due in the evening). If that local end does
    /// not exist on a daylight-saving change day, the first instant after the gap.
    /// </summary>
    public DateTimeOffset NextAllowedCall(DateTimeOffset due, ServiceCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var zone = calendar.Zone;
        var at = Instant.FromDateTimeOffset(due);
        var local = at.InZone(zone).LocalDateTime;
        var time = local.TimeOfDay.ToTimeOnly();
        if (!Contains(time))
        {
            return at.ToDateTimeOffset();
        }

        var endDate = End < Start && time >= Start ? local.Date.PlusDays(1) : local.Date;
        var end = endDate.At(LocalTime.FromTimeOnly(End));
        var mapping = zone.MapLocal(end);
        return mapping.Count switch
        {
            0 => mapping.LateInterval.Start.ToDateTimeOffset(),
            1 => mapping.Single().ToInstant().ToDateTimeOffset(),

            // The end happens twice (clocks went back): the first occurrence not before the due time.
            _ => (mapping.First().ToInstant() >= at ? mapping.First() : mapping.Last()).ToInstant().ToDateTimeOffset(),
        };
    }

    /// <summary>Problems with field paths relative to the quiet hours (<c>start</c>, <c>end</c>).</summary>
    public IReadOnlyList<ValidationProblem> Validate() =>
        Start == End
            ? [new ValidationProblem("end", string.Create(CultureInfo.InvariantCulture,
                $"Quiet hours from {Start:HH\\:mm} to {End:HH\\:mm} are empty; leave quiet hours out (null) for none."))]
            : [];
}
