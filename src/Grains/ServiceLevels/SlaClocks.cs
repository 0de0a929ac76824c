using System.Text.Json.Serialization;
using Orleans;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>The three SLA clocks a ticket may have.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaClock>))]
public enum SlaClock
{
    /// <summary>First reply to the customer (投诉答复时限: 2 hours).</summary>
    FirstReply,

    /// <summary>The answer is due; passing it unmet raises a customer-update task ("超过期限,应积极答复客户").</summary>
    Target,

    /// <summary>The longest allowed ("最长不超过"); passing it breaches the SLA and escalates.</summary>
    Deadline,
}

/// <summary>Where a clock stands at "now".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClockState>))]
public enum ClockState
{
    /// <summary>Counting down, less than the at-risk share used.</summary>
    Running,

    /// <summary>The ticket is waiting on the customer; the clock does not count.</summary>
    Paused,

    /// <summary>Counting down, at-risk share used (SlaWarning).</summary>
    AtRisk,

    /// <summary>Satisfied in time.</summary>
    Met,

    /// <summary>A first reply or target passed unmet (or met late).</summary>
    Missed,

    /// <summary>The deadline passed unmet (or met late).</summary>
    Breached,
}

/// <summary>A future moment the ticket grain sets a reminder for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaEventKind>))]
public enum SlaEventKind
{
    /// <summary>A clock reaches its at-risk share (TicketSlaWarning).</summary>
    AtRisk,

    /// <summary>The first reply is due.</summary>
    FirstReplyDue,

    /// <summary>The target passes (TicketSlaTargetMissed; customer-update task).</summary>
    TargetMissed,

    /// <summary>The deadline passes (TicketSlaBreached; escalate to the supervisor).</summary>
    Breached,
}

/// <summary>A stretch during which the ticket waited on the customer; <see cref="Until"/> is null while it still does.</summary>
public readonly record struct PauseInterval(DateTimeOffset From, DateTimeOffset? Until);

/// <summary>
/// The facts of a ticket the clocks are computed from. Everything is recomputed from these, so a
/// change of kind, severity or urgency just gives a different answer (each clock keeps its start,
/// <see cref="ReceivedAt"/>; its budget changes).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketClockFacts
{
    public required TicketKind Kind { get; init; }

    /// <summary>Used by complaints only.</summary>
    public Severity Severity { get; init; } = Severity.General;

    public bool Urgent { get; init; }

    /// <summary>When the ticket was received; clocks start then, or at the next opening.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Waiting on the customer, in any order, possibly overlapping; at most one open (it absorbs any later ones).</summary>
    public IReadOnlyList<PauseInterval> Pauses
    {
        get;
        init => field = value ?? [];
    } = [];

    /// <summary>Satisfies the FirstReply clock.</summary>
    public DateTimeOffset? FirstRepliedAt { get; init; }

    /// <summary>Satisfies the Target and Deadline clocks (and the FirstReply clock if no reply was recorded before).</summary>
    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>The working-time budgets a ticket's clocks actually get (policy row, urgent rule and calendar applied).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record SlaBudgets(TimeSpan? FirstReply, TimeSpan? Target, TimeSpan? Deadline);

/// <summary>One clock at "now".</summary>
/// <param name="Clock">Which clock.</param>
/// <param name="Budget">Working time it allows.</param>
/// <param name="StartedAt">When it started counting: the first opening at or after the ticket was received.</param>
/// <param name="DueAt">When the budget runs out; null while the ticket waits on the customer with budget left (see <paramref name="Remaining"/>).</param>
/// <param name="AtRiskAt">When the at-risk share of the budget is used; null while paused before that.</param>
/// <param name="State">Where the clock stands.</param>
/// <param name="Remaining">Working time left at now, or at satisfaction for a satisfied clock; negative when overdue.</param>
/// <param name="SatisfiedAt">When it was satisfied, if it was.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ClockStatus(
    SlaClock Clock,
    TimeSpan Budget,
    DateTimeOffset StartedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? AtRiskAt,
    ClockState State,
    TimeSpan Remaining,
    DateTimeOffset? SatisfiedAt);

/// <summary>An upcoming clock event and the instant it happens.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record SlaEvent(SlaClock Clock, SlaEventKind Kind, DateTimeOffset At);

/// <summary>A ticket's clocks at "now" (null for a clock its kind does not have) and its upcoming events, soonest first.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record SlaStatus(
    ClockStatus? FirstReply,
    ClockStatus? Target,
    ClockStatus? Deadline,
    IReadOnlyList<SlaEvent> UpcomingEvents)
{
    /// <summary>The clocks the ticket has, in FirstReply, Target, Deadline order.</summary>
    [JsonIgnore]
    public IEnumerable<ClockStatus> Clocks => new[] { FirstReply, Target, Deadline }.OfType<ClockStatus>();

    /// <summary>The soonest upcoming event: what the ticket's reminder should be set to.</summary>
    [JsonIgnore]
    public SlaEvent? NextEvent => UpcomingEvents.Count > 0 ? UpcomingEvents[0] : null;
}
