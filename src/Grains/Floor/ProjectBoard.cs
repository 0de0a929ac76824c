using HotlineGrains.Grains.Tickets;
using Orleans;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// One project's live floor as a wallboard shows it (SPEC §5, issues 5 and 13). The project's board
/// grain (<see cref="IProjectBoardGrain"/>) keeps it; hub clients get the boards of the projects
/// they joined at once, then what changed (<c>JoinLive</c>: <see cref="BoardDelta"/>, the rows they
/// show and the counts of all) or a whole new board (<c>Join</c>) each time something in it
/// changes. Countdowns and time in state run in the browser from the instants.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ProjectBoard(
    string ProjectId,
    string Name,
    DateTimeOffset GeneratedAt,
    CallBoard Calls,
    IReadOnlyList<AgentOnBoard> Agents,
    IReadOnlyList<TicketOnBoard> OpenTickets,
    int ResolvedToday,
    int ClosedToday,
    double? SatisfactionToday,
    IReadOnlyList<BoardAlert> Alerts,
    long Epoch = 0,
    long Sequence = 0,
    OpenTicketCounts? Counts = null)
{
    /// <summary>The most open-ticket rows a screen is sent: more than any wall display shows.</summary>
    public const int MaxRowsShown = 200;

    /// <summary>The most alerts a screen that asked for a number of rows is sent; <see cref="OpenTicketCounts.Alerts"/> counts them all.</summary>
    public const int MaxAlertsShown = 50;

    /// <summary>
    /// The board a screen showing <paramref name="rows"/> open tickets is sent: the first rows in
    /// board order and the newest alerts, with the counts of all (so its message is bounded however
    /// many tickets are open). Zero or less: everything, for consoles that still list every ticket.
    /// </summary>
    public ProjectBoard Showing(int rows) =>
        rows <= 0 || (OpenTickets.Count <= rows && Alerts.Count <= MaxAlertsShown)
            ? this
            : this with { OpenTickets = [.. OpenTickets.Take(rows)], Alerts = [.. Alerts.Take(MaxAlertsShown)] };
}

/// <summary>
/// The open tickets of a board counted, all of them, whether or not the screen gets their rows.
/// </summary>
/// <param name="AtRisk">Tickets whose worst clock is AtRisk.</param>
/// <param name="Breached">Tickets whose worst clock is Breached or Missed.</param>
/// <param name="CallbacksDue">Open tickets with a callback scheduled; <paramref name="NextCallbackAt"/> is the earliest.</param>
/// <param name="Alerts">All the board's alerts, of which a screen may get only the newest.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record OpenTicketCounts(
    int Open,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyDictionary<string, int> BySeverity,
    int AtRisk,
    int Breached,
    int CallbacksDue,
    DateTimeOffset? NextCallbackAt,
    int Alerts);

/// <param name="Waiting">Calls ringing and not yet answered or abandoned.</param>
/// <param name="LongestWaitingSince">When the longest-waiting call started ringing; null if none waits.</param>
/// <param name="AnswerRate">Answered ÷ (answered + abandoned) today; null before any call ends.</param>
/// <param name="AnswerRateTarget">The line the answer rate must stay above (0.85).</param>
/// <param name="ServiceLevel">Share of today's offered calls answered within 3 seconds; null before any.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CallBoard(
    int Waiting,
    DateTimeOffset? LongestWaitingSince,
    int OfferedToday,
    int AnsweredToday,
    int AbandonedToday,
    double? AnswerRate,
    double AnswerRateTarget,
    double? ServiceLevel);

/// <param name="Since">When the agent entered <paramref name="Presence"/>: time in state counts from it.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record AgentOnBoard(
    string Id,
    string WorkNumber,
    string Name,
    string Presence,
    DateTimeOffset Since,
    bool OverBreakLimit,
    int OpenTickets);

/// <param name="NextDueAt">The next SLA instant still to be met; the board counts down to it.</param>
/// <param name="SlaState">The worst clock: Running, Paused, AtRisk, Met, Missed or Breached.</param>
/// <param name="CallbackDueAt">A callback the hotline owes the customer, when one is scheduled.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketOnBoard(
    string TicketId,
    string Number,
    string Status,
    string Kind,
    string Severity,
    bool Urgent,
    string? Agent,
    string? Department,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? NextDueAt,
    string? SlaState,
    DateTimeOffset? CallbackDueAt,
    int EscalationLevel)
{
    /// <summary>What the board shows of a ticket's register row.</summary>
    public static TicketOnBoard From(TicketRegisterRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.TicketId, row.Number, row.Status, row.Kind, row.Severity, row.Urgent, row.Agent, row.Department,
            row.ReceivedAt, row.NextDueAt, row.SlaState, row.CallbackDueAt, row.EscalationLevel);
    }

    /// <summary>Whether a ticket of this status is on the board's open list (closed and pending answers are not).</summary>
    public static bool IsOpenStatus(string status) =>
        status is not (nameof(TicketStatus.Closed) or nameof(TicketStatus.Pending));
}

/// <param name="Kind">SlaBreached, LineSilent or BreakLimit.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardAlert(string Kind, DateTimeOffset At, string Text, string? TicketId = null, string? AgentId = null);
