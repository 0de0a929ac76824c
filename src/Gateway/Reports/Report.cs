using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Reports;

namespace HotlineGrains.Gateway.Reports;

/// <summary>Management statistics over a period (issue 12), for the projects, department and agent asked.</summary>
/// <param name="Tickets">The tickets received in the period (a cohort: their state now).</param>
/// <param name="Activity">What happened in the period, day by day as the daily summaries count it; null when a department or agent narrows the report (calls and those counters are per project).</param>
public sealed record Report(
    ReportPeriod Period,
    IReadOnlyList<string> Projects,
    string? Department,
    string? Agent,
    TicketFigures Tickets,
    ActivityFigures? Activity,
    IReadOnlyList<DayRow> Days);

/// <summary>The daily summaries' counters added up over the period (same numbers, same days).</summary>
public sealed record ActivityFigures(
    int TicketsReceived,
    int TicketsClosed,
    int SlaBreaches,
    int CallbacksSatisfied,
    int CallbacksUnsatisfied,
    int CallbacksUnreachable,
    int CallsOffered,
    int CallsAnsweredInTime,
    int CallsAnswered,
    int CallsAbandoned,
    double? AnswerRate,
    double AnswerRateTarget,
    bool AnswerRateMet,
    double? ServiceLevel,
    double LongestWaitSeconds);

/// <summary>One service day of one project, for the charts and the daily table.</summary>
public sealed record DayRow(string Project, DateOnly Date, int TicketsReceived, int TicketsClosed, int CallsOffered, int CallsAnswered, int CallsAbandoned, double? AnswerRate);

/// <summary>Adds the day counters up into a <see cref="Report"/> (the ticket facts are added up by the database).</summary>
public static class ReportFigures
{
    public static ActivityFigures Activity(IReadOnlyCollection<DayStats> days)
    {
        var answered = days.Sum(d => d.CallsAnswered);
        var abandoned = days.Sum(d => d.CallsAbandoned);
        var offered = days.Sum(d => d.CallsOffered);
        double? answerRate = answered + abandoned == 0 ? null : (double)answered / (answered + abandoned);
        return new ActivityFigures(
            days.Sum(d => d.TicketsReceived), days.Sum(d => d.TicketsClosed), days.Sum(d => d.SlaBreaches),
            days.Sum(d => d.CallbacksSatisfied), days.Sum(d => d.CallbacksUnsatisfied), days.Sum(d => d.CallbacksUnreachable),
            offered, days.Sum(d => d.CallsAnsweredInTime), answered, abandoned,
            answerRate, ProjectGrain.AnswerRateTarget, answerRate is null or > ProjectGrain.AnswerRateTarget,
            offered == 0 ? null : (double)days.Sum(d => d.CallsAnsweredInTime) / offered,
            days.Select(d => d.LongestWait.TotalSeconds).DefaultIfEmpty(0).Max());
    }

    /// <summary>
    /// Nearest-rank percentile of sorted values (the median of 1, 2, 3, 4 is 2): always a value that
    /// occurred. The rule the database follows when it adds the ticket facts up (row number
    /// ceil(share × count)); kept here as its statement, checked by ReportPeriodTests.
    /// </summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];
}
