namespace HotlineGrains.Contracts;

/// <summary>Common fields of events that are not about one ticket.</summary>
public abstract record FloorEvent : IHotlineEvent
{
    public const int CurrentSchemaVersion = 1;

    public Guid EventId { get; init; }

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string ProjectId { get; init; } = string.Empty;

    public DateTimeOffset OccurredAt { get; init; }

    public string Actor { get; init; } = string.Empty;
}

/// <summary>An agent's presence changed; <see cref="PreviousStateSince"/> tells how long the old state lasted.</summary>
public sealed record AgentPresenceChanged : FloorEvent
{
    public required string AgentId { get; init; }

    public required string WorkNumber { get; init; }

    public required string From { get; init; }

    public required string To { get; init; }

    public required DateTimeOffset PreviousStateSince { get; init; }
}

/// <summary>An agent has been on break longer than the project allows (default 15 minutes).</summary>
public sealed record AgentBreakLimitExceeded : FloorEvent
{
    public required string AgentId { get; init; }

    public required string WorkNumber { get; init; }

    public required DateTimeOffset OnBreakSince { get; init; }

    public required TimeSpan Limit { get; init; }
}

/// <summary>No inbound call for the configured time during service hours: someone should test-dial the line.</summary>
public sealed record LineSilent : FloorEvent
{
    public required DateTimeOffset LastCallAt { get; init; }

    public required TimeSpan SilentFor { get; init; }
}

/// <summary>The end-of-day summary for management is ready to read.</summary>
public sealed record DailySummaryReady : FloorEvent
{
    public required DateOnly ServiceDate { get; init; }

    public required int TicketsReceived { get; init; }

    public required int TicketsClosed { get; init; }

    public required int CallsOffered { get; init; }

    public required int CallsAnswered { get; init; }

    public required int CallsAbandoned { get; init; }
}

/// <summary>
/// A month closed in the project's time zone: its figures, the daily summaries' counters added up
/// over the month, are stored by the project and can be read (issue 12).
/// </summary>
public sealed record MonthlyReportReady : FloorEvent
{
    /// <summary>The month, <c>yyyy-MM</c>, project time.</summary>
    public required string Month { get; init; }

    public required int TicketsReceived { get; init; }

    public required int TicketsClosed { get; init; }

    public required int SlaBreaches { get; init; }

    public required int CallsOffered { get; init; }

    public required int CallsAnswered { get; init; }

    public required int CallsAbandoned { get; init; }

    /// <summary>Answered / (answered + abandoned); null when no call was answered or abandoned.</summary>
    public double? AnswerRate { get; init; }
}

/// <summary>A relationship callback to a customer is due (account manager, department manager, division head, president).</summary>
public sealed record CustomerCallbackDue : FloorEvent
{
    public required string CustomerId { get; init; }

    public required string Tier { get; init; }

    /// <summary>AccountManager, DepartmentManager, DivisionHead or President.</summary>
    public required string CallerRole { get; init; }

    public required DateTimeOffset DueAt { get; init; }
}

/// <summary>
/// A call event from the phone switch was recorded: the floor's call metrics (waiting, answer
/// rate, service level) changed. Carries no caller number.
/// </summary>
public sealed record CallEventRecorded : FloorEvent
{
    public required string CallId { get; init; }

    /// <summary>Ringing, Answered, Ended or Abandoned.</summary>
    public required string Event { get; init; }

    public required DateTimeOffset At { get; init; }

    public string? Agent { get; init; }
}
