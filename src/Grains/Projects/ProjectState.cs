using System.Text.Json.Serialization;
using Orleans;

namespace HotlineGrains.Grains.Projects;

/// <summary>A managed property (项目) as stored.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ProjectState
{
    public ProjectSettings? Settings { get; set; }

    /// <summary>The service day (project time) <see cref="LastSequence"/> counts in.</summary>
    public DateOnly? SequenceDate { get; set; }

    /// <summary>Last ticket sequence number handed out on <see cref="SequenceDate"/>.</summary>
    public int LastSequence { get; set; }

    /// <summary>
    /// Tickets numbered whose intake the project has not yet heard stored, with the number each was
    /// given: a retried intake gets its number back. A ticket leaves when its intake is stored
    /// (<see cref="TicketActivityKind.Recorded"/>) or it closes, so the project's state, which every
    /// intake writes again, does not grow with the open tickets (issue 13: at 10,000 open tickets it
    /// held 10,000 entries). Stored as <c>openTickets</c>, the name it had when it kept every open
    /// ticket: states from then, and the legacy import, still read.
    /// </summary>
    [JsonPropertyName("openTickets")]
    public Dictionary<string, string> NumbersInFlight { get; set; } = [];

    /// <summary>Counters of the recent service days, newest last.</summary>
    public List<DayStats> Days { get; set; } = [];

    /// <summary>
    /// Calls answered per agent per service day, for the days in <see cref="Days"/>: the switch
    /// names who picked up. Kept beside the day counters rather than in them, which travel to the
    /// board on every call.
    /// </summary>
    public Dictionary<DateOnly, Dictionary<string, int>> AnsweredBy { get; set; } = [];

    /// <summary>Summaries produced at the end of each service day, newest last.</summary>
    public List<DailySummary> Summaries { get; set; } = [];

    /// <summary>Months closed (project time), newest last: the day counters of each added up once when it ended (issue 12).</summary>
    public List<MonthlyFigures> Months { get; set; } = [];

    /// <summary>Calls ringing now: call id → when it started ringing.</summary>
    public Dictionary<string, DateTimeOffset> Ringing { get; set; } = [];

    public DateTimeOffset? LastInboundCallAt { get; set; }

    /// <summary>故障记录: line faults with cause, start and end.</summary>
    public List<FaultRecord> Faults { get; set; } = [];

    /// <summary>LineSilent alerts raised, newest last.</summary>
    public List<DateTimeOffset> SilenceAlerts { get; set; } = [];
}

/// <summary>One service day's counters (project time).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class DayStats
{
    public DateOnly Date { get; set; }

    public int TicketsReceived { get; set; }

    public int TicketsClosed { get; set; }

    public int SlaBreaches { get; set; }

    public int CallsOffered { get; set; }

    public int CallsAnswered { get; set; }

    /// <summary>Answered within two rings (3 seconds).</summary>
    public int CallsAnsweredInTime { get; set; }

    public int CallsAbandoned { get; set; }

    /// <summary>The longest a caller waited that day: from ringing to answered or abandoned.</summary>
    public TimeSpan LongestWait { get; set; }

    public int CallbacksSatisfied { get; set; }

    public int CallbacksUnsatisfied { get; set; }

    public int CallbacksUnreachable { get; set; }

    /// <summary>A copy to hand out of the grain: the state's own object changes with the next turn.</summary>
    public DayStats Copy() => (DayStats)MemberwiseClone();
}

/// <summary>The end-of-day report to management (SPEC §4.2).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record DailySummary(
    DateOnly Date,
    DateTimeOffset ProducedAt,
    int TicketsReceived,
    int TicketsClosed,
    int SlaBreaches,
    int CallsOffered,
    int CallsAnswered,
    int CallsAbandoned,
    double? AnswerRate,
    bool AnswerRateMet,
    double? ServiceLevel,
    int CallbacksSatisfied,
    int CallbacksUnsatisfied,
    int CallbacksUnreachable,
    double? Satisfaction,
    int LineSilentAlerts,
    int Faults);

/// <summary>A closed month's figures, stored when it ended in the project's time zone.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record MonthlyFigures(
    string Month,
    DateTimeOffset ProducedAt,
    int TicketsReceived,
    int TicketsClosed,
    int SlaBreaches,
    int CallsOffered,
    int CallsAnsweredInTime,
    int CallsAnswered,
    int CallsAbandoned,
    double? AnswerRate,
    int CallbacksSatisfied,
    int CallbacksUnsatisfied,
    int CallbacksUnreachable);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record FaultRecord(string Id, string Cause, DateTimeOffset Start, DateTimeOffset? End, string RecordedBy);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ProjectListItem(string Id, string Name, string TicketPrefix, string TimeZone);

/// <summary>What the wallboard shows of a project's line (<see cref="ProjectGrain.Floor"/>).</summary>
/// <param name="RecentSilenceAlerts">LineSilent alerts of the last 12 hours, oldest first.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ProjectFloor(int CallsWaiting, DateTimeOffset? LongestWaitingSince, DayStats Today, IReadOnlyList<DateTimeOffset> RecentSilenceAlerts);
