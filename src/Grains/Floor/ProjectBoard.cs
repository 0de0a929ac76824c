namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// One project's live floor as a wallboard shows it (SPEC §5, issue 5). Hub clients get the boards
/// of the projects they joined at once (<c>Join</c>), then a whole new board of a project each
/// time something in it changes (<c>Board</c>). Countdowns run in the browser from the instants.
/// </summary>
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
    IReadOnlyList<BoardAlert> Alerts);

/// <param name="Waiting">Calls ringing and not yet answered or abandoned.</param>
/// <param name="LongestWaitingSince">When the longest-waiting call started ringing; null if none waits.</param>
/// <param name="AnswerRate">Answered ÷ (answered + abandoned) today; null before any call ends.</param>
/// <param name="AnswerRateTarget">The line the answer rate must stay above (0.85).</param>
/// <param name="ServiceLevel">Share of today's offered calls answered within 3 seconds; null before any.</param>
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
    int EscalationLevel);

/// <param name="Kind">SlaBreached, LineSilent or BreakLimit.</param>
public sealed record BoardAlert(string Kind, DateTimeOffset At, string Text, string? TicketId = null, string? AgentId = null);
