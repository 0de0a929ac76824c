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

/// <param name="ByDepartment">By responsible department; <see cref="ReportFigures.NoDepartment"/> for tickets never forwarded.</param>
/// <param name="ByAgent">By receiving agent.</param>
public sealed record TicketFigures(
    int Received,
    int Urgent,
    IReadOnlyDictionary<string, int> ByKind,
    IReadOnlyDictionary<string, int> ByCategory,
    IReadOnlyDictionary<string, int> BySeverity,
    IReadOnlyDictionary<string, int> ByChannel,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> ByProject,
    IReadOnlyDictionary<string, int> ByDepartment,
    IReadOnlyDictionary<string, int> ByAgent,
    int ComplaintsFounded,
    int ComplaintsUnfounded,
    int ComplaintsNotVerified,
    int Reopened,
    int Resolved,
    int Closed,
    ClockFigures FirstReply,
    ClockFigures Target,
    ClockFigures Deadline,
    CallbackFigures Callbacks);

/// <summary>One SLA clock over the tickets that have it: met in time, missed (breached for the deadline), open (still running, or stopped by the close of a ticket that never needed it met, e.g. an unfounded complaint's target); working time to satisfaction in minutes (median and p90, nearest rank).</summary>
public sealed record ClockFigures(int Tickets, int Met, int Missed, int Open, double? MedianMinutes, double? P90Minutes, double? ComplianceRate);

/// <summary>回访 of the period's tickets: attempts, and the tickets by their last callback's outcome.</summary>
public sealed record CallbackFigures(int Attempts, int Satisfied, int Unsatisfied, int Unreachable, double? Satisfaction, IReadOnlyList<string> UnsatisfiedReasons);

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

/// <summary>Adds ticket facts and day counters up into a <see cref="Report"/>.</summary>
public static class ReportFigures
{
    /// <summary>The department key of tickets never forwarded to one.</summary>
    public const string NoDepartment = "(none)";

    public static TicketFigures Tickets(IReadOnlyCollection<TicketFacts> facts)
    {
        var complaints = facts.Where(f => f.Kind == "Complaint").ToList();
        var callbacks = facts.Where(f => f.CallbackOutcome is not null).ToList();
        int Outcome(string outcome) => callbacks.Count(f => f.CallbackOutcome == outcome);
        var satisfied = Outcome("Satisfied");
        var unsatisfied = Outcome("Unsatisfied");
        return new TicketFigures(
            facts.Count,
            facts.Count(f => f.Urgent),
            Count(facts, f => f.Kind),
            Count(facts, f => f.Category),
            Count(facts, f => f.Severity),
            Count(facts, f => f.Channel),
            Count(facts, f => f.Status),
            Count(facts, f => f.ProjectId),
            Count(facts, f => f.Department ?? NoDepartment),
            Count(facts, f => f.Agent),
            complaints.Count(f => f.Founded == true),
            complaints.Count(f => f.Founded == false),
            complaints.Count(f => f.Founded is null),
            facts.Sum(f => f.Reopened),
            facts.Count(f => f.ResolvedAt is not null),
            facts.Count(f => f.ClosedAt is not null),
            Clock([.. facts.Select(f => f.FirstReply).OfType<ClockFact>()]),
            Clock([.. facts.Select(f => f.Target).OfType<ClockFact>()]),
            Clock([.. facts.Select(f => f.Deadline).OfType<ClockFact>()]),
            new CallbackFigures(
                facts.Sum(f => f.CallbackAttempts), satisfied, unsatisfied, Outcome("Unreachable"),
                satisfied + unsatisfied == 0 ? null : (double)satisfied / (satisfied + unsatisfied),
                [.. facts.SelectMany(f => f.UnsatisfiedReasons).Where(r => r.Length > 0)]));
    }

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

    /// <summary>A clock is met (Met), missed (Missed, or Breached for the deadline), or still open (running, at risk, paused).</summary>
    private static ClockFigures Clock(IReadOnlyCollection<ClockFact> clocks)
    {
        var met = clocks.Count(c => c.State == "Met");
        var missed = clocks.Count(c => c.State is "Missed" or "Breached");
        var minutes = clocks.Where(c => c.WorkingTime is not null).Select(c => c.WorkingTime!.Value.TotalMinutes).Order().ToList();
        return new ClockFigures(clocks.Count, met, missed, clocks.Count - met - missed,
            Percentile(minutes, 0.5), Percentile(minutes, 0.9), met + missed == 0 ? null : (double)met / (met + missed));
    }

    /// <summary>Nearest-rank percentile of sorted values (the median of 1, 2, 3, 4 is 2): always a value that occurred.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];

    private static SortedDictionary<string, int> Count(IEnumerable<TicketFacts> facts, Func<TicketFacts, string> key) =>
        new(facts.GroupBy(key).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
}
