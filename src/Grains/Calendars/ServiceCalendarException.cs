namespace HotlineGrains.Grains.Calendars;

/// <summary>
/// Working-time arithmetic is impossible on this calendar: its time zone is unknown, or it has no
/// service hours for longer than <see cref="ServiceCalendar.MaxClosedDays"/> days (so no deadline
/// could ever fall due). <see cref="ServiceCalendar.Validate"/> reports both before they get here.
/// </summary>
public sealed class ServiceCalendarException : InvalidOperationException
{
    public ServiceCalendarException()
    {
    }

    public ServiceCalendarException(string message)
        : base(message)
    {
    }

    public ServiceCalendarException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
