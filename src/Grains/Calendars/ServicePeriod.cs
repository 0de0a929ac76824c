using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;
using Orleans;

namespace HotlineGrains.Grains.Calendars;

/// <summary>
/// One stretch of service hours on a weekday, in the project's local wall-clock time, e.g.
/// Monday 08:00–12:00. A period never crosses midnight (split it in two); an <see cref="End"/> of
/// 00:00 means midnight at the end of the day, so 00:00–00:00 is the whole day.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ServicePeriod
{
    /// <summary>For the JSON serializer; every member is required.</summary>
    [JsonConstructor]
    public ServicePeriod()
    {
    }

    [SetsRequiredMembers]
    public ServicePeriod(DayOfWeek day, TimeOnly start, TimeOnly end)
    {
        Day = day;
        Start = start;
        End = end;
    }

    [JsonConverter(typeof(JsonStringEnumConverter<DayOfWeek>))]
    public required DayOfWeek Day { get; init; }

    /// <summary>Local time the service opens (inclusive).</summary>
    public required TimeOnly Start { get; init; }

    /// <summary>Local time the service closes (exclusive); 00:00 means midnight at the end of <see cref="Day"/>.</summary>
    public required TimeOnly End { get; init; }

    /// <summary>Start as time since local midnight.</summary>
    internal TimeSpan StartOffset => Start.ToTimeSpan();

    /// <summary>End as time since local midnight: up to 24 hours.</summary>
    internal TimeSpan EndOffset => End == TimeOnly.MinValue ? TimeSpan.FromDays(1) : End.ToTimeSpan();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Day} {Start:HH\\:mm}–{(End == TimeOnly.MinValue ? "24:00" : End.ToString("HH\\:mm", CultureInfo.InvariantCulture))}");
}
