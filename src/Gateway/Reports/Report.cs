using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Reports;

namespace HotlineGrains.Gateway.Reports;

/// <summary>Management statistics over a period (issue 12), for the projects, department and agent asked.</summary>
/// <param name="Tickets">The tickets received in the period (a cohort: their state now).</param>
/// <param name="Activity">What happened in the period, day by day as the daily summaries count it; null when a department or agent narrows the report (calls and those counters are per project).</param>
/// <param name="Agents">The agents whose home project is reported (narrowed to the department or agent asked): their time by presence, breaks and calls answered.</param>
public sealed record Report(
    ReportPeriod Period,
    IReadOnlyList<string> Projects,
    string? Department,
    string? Agent,
    TicketFigures Tickets,
    ActivityFigures? Activity,
    IReadOnlyList<DayRow> Days,
    IReadOnlyList<AgentRow> Agents);

/// <summary>
/// One agent over the period: minutes in each presence at work (off shift is not counted), breaks
/// begun and those that ran past the project's limit, and calls the switch says they answered.
/// </summary>
public sealed record AgentRow(
    string Agent,
    string WorkNumber,
    string Name,
    string Project,
    double AvailableMinutes,
    double OnCallMinutes,
    double WrapUpMinutes,
    double BreakMinutes,
    double LeaveMinutes,
    int Breaks,
    int BreaksOverLimit,
    int CallsAnswered);

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

    public static AgentRow Agent(AgentFloorRow agent, string project, IReadOnlyCollection<AgentDay> days, int callsAnswered)
    {
        double Minutes(Presence presence) => Math.Round(days.Sum(d => d.Time.GetValueOrDefault(presence).TotalMinutes), 1);
        return new AgentRow(
            agent.Id, agent.WorkNumber, agent.Name, project,
            Minutes(Presence.Available), Minutes(Presence.OnCall), Minutes(Presence.WrapUp), Minutes(Presence.Break), Minutes(Presence.Leave),
            days.Sum(d => d.Breaks), days.Sum(d => d.BreaksOverLimit), callsAnswered);
    }

    /// <summary>
    /// Nearest-rank percentile of sorted values (the median of 1, 2, 3, 4 is 2): always a value that
    /// occurred. The rule the database follows when it adds the ticket facts up (row number
    /// ceil(share × count)); kept here as its statement, checked by ReportPeriodTests.
    /// </summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];
}
