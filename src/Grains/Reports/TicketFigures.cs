namespace HotlineGrains.Grains.Reports;

/// <summary>
/// The period's tickets counted (issue 12): what a report says about a cohort of
/// <see cref="TicketFacts"/>, added up by the database (the storage's ticket-facts report) and
/// shown by the gateway's report endpoints.
/// </summary>
/// <param name="ByDepartment">By responsible department; <see cref="NoDepartment"/> for tickets never forwarded.</param>
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
    CallbackFigures Callbacks)
{
    /// <summary>The department key of tickets never forwarded to one.</summary>
    public const string NoDepartment = "(none)";
}

/// <summary>One SLA clock over the tickets that have it: met in time, missed (breached for the deadline), open (still running, or stopped by the close of a ticket that never needed it met, e.g. an unfounded complaint's target); working time to satisfaction in minutes (median and p90, nearest rank).</summary>
public sealed record ClockFigures(int Tickets, int Met, int Missed, int Open, double? MedianMinutes, double? P90Minutes, double? ComplianceRate);

/// <summary>回访 of the period's tickets: attempts, and the tickets by their last callback's outcome.</summary>
public sealed record CallbackFigures(int Attempts, int Satisfied, int Unsatisfied, int Unreachable, double? Satisfaction, IReadOnlyList<string> UnsatisfiedReasons);
