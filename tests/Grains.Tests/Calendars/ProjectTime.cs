namespace HotlineGrains.Grains.Tests.Calendars;

/// <summary>Exact instants written as the hotline reads them: in a project's local time.</summary>
internal static class ProjectTime
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>An instant in Shanghai (UTC+8 all year, no daylight saving).</summary>
    public static DateTimeOffset Shanghai(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, ChinaStandardTime);

    /// <summary>An instant in UTC.</summary>
    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);
}
