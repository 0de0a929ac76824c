using HotlineGrains.Grains.ServiceLevels;
using Orleans;

namespace HotlineGrains.Grains.Tickets;

/// <summary>A ticket as stored: the intake form, the workflow's records, and the facts its SLA clocks are computed from.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class TicketState
{
    public TicketIntake? Intake { get; set; }

    public string? Number { get; set; }

    public TicketStatus Status { get; set; } = TicketStatus.Pending;

    public TicketKind Kind { get; set; }

    public Severity Severity { get; set; }

    public bool Urgent { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Agent { get; set; }

    /// <summary>Counts the agent assignments, so the agents' open lists can order the ticket's messages.</summary>
    public long Assignment { get; set; }

    public string? Department { get; set; }

    public int EscalationLevel { get; set; }

    public Verification? Verification { get; set; }

    public Handling? Handling { get; set; }

    public Notification? Notification { get; set; }

    public List<CallbackAttempt> Callbacks { get; set; } = [];

    /// <summary>When the next callback is due, and what for; null when none is scheduled.</summary>
    public ScheduledCallback? NextCallback { get; set; }

    public SignOff? SignOff { get; set; }

    /// <summary>For an inquiry not answered on the spot: the promised answer is due by then.</summary>
    public DateTimeOffset? AnswerDueAt { get; set; }

    /// <summary>Set when a target passed unmet: the agent must update the customer (超过期限,应积极答复客户); cleared by the next reply.</summary>
    public DateTimeOffset? CustomerUpdateDueSince { get; set; }

    public List<Pause> Pauses { get; set; } = [];

    public DateTimeOffset? FirstReplyAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? Resolution { get; set; }

    public List<Reply> Replies { get; set; } = [];

    public List<TimelineEntry> Timeline { get; set; } = [];

    /// <summary>SLA events already published, by clock, kind and due time, so a recomputation never repeats one.</summary>
    public List<string> SlaEventsRaised { get; set; } = [];
}

/// <summary>
/// The intake form (the header of the 投诉处理表). The gateway compares a retried intake with the
/// recorded one by record equality (Idempotency-Key): keep its members values, or give it an
/// equality that compares a collection's items.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketIntake(
    string ProjectId,
    TicketKind Kind,
    Channel Channel,
    string CustomerName,
    string UnitNumber,
    string ContactPhone,
    string Content,
    string Category,
    Severity Severity,
    bool Urgent,
    string ReceivingAgent,
    string? Department,
    DateTimeOffset? ReceivedAt,
    bool AnsweredOnCall,
    bool AnswerIsDifficult,
    string? Honorific,
    string? CustomerId = null);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Verification(bool Founded, string Findings, string By, DateTimeOffset At);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Handling(string Plan, string Result, string Handler, string? DepartmentManager, DateTimeOffset At);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Notification(string Message, string By, DateTimeOffset At);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CallbackAttempt(int Attempt, CallbackOutcome Outcome, string By, DateTimeOffset At, string? Note);

/// <summary>A callback the hotline owes; <see cref="Announced"/> once CallbackDue was published for it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ScheduledCallback(DateTimeOffset DueAt, int Attempt, CallbackPurpose Purpose, bool Announced = false);

public enum CallbackPurpose
{
    /// <summary>回访: feedback after the customer was told the result.</summary>
    Feedback,

    /// <summary>An answer promised within 2 or 16 working hours.</summary>
    Promise,

    /// <summary>No result yet at 16 working hours: call to explain.</summary>
    Interim,
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record SignOff(string ProjectManager, DateTimeOffset At);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Pause(DateTimeOffset From, DateTimeOffset? To, string Reason);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Reply(string Text, string By, DateTimeOffset At, IReadOnlyList<string> ForbiddenPhrases);

/// <summary>One step in the ticket's history: who, when, what, from which status to which.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TimelineEntry(DateTimeOffset At, string Actor, string What, TicketStatus From, TicketStatus To, string? Detail);
