namespace HotlineGrains.Contracts;

/// <summary>
/// What every ticket event carries besides <see cref="IHotlineEvent"/>: which ticket, by id and by
/// number. The ticket grain stamps these on every event it publishes.
/// </summary>
public abstract record TicketEvent : IHotlineEvent
{
    public const int CurrentSchemaVersion = 1;

    public Guid EventId { get; init; }

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string ProjectId { get; init; } = string.Empty;

    public string TicketId { get; init; } = string.Empty;

    /// <summary><c>{PREFIX}-{yyyyMMdd}-{seq:0000}</c>.</summary>
    public string TicketNumber { get; init; } = string.Empty;

    public DateTimeOffset OccurredAt { get; init; }

    public string Actor { get; init; } = string.Empty;

    /// <summary>Status after the change (the ticket's workflow step).</summary>
    public string Status { get; init; } = string.Empty;
}

/// <summary>A customer's contact was recorded on the intake form (受理).</summary>
public sealed record TicketReceived : TicketEvent, IHasPhoneNumbers
{
    public required string Kind { get; init; }

    public required string Severity { get; init; }

    public required bool Urgent { get; init; }

    public required string Channel { get; init; }

    public required string Category { get; init; }

    public required string CustomerName { get; init; }

    public required string UnitNumber { get; init; }

    /// <summary>Masked (<c>138****5678</c>, see <see cref="PhoneMask"/>) unless the integration is granted full numbers.</summary>
    public required string ContactPhone { get; init; }

    public required string Content { get; init; }

    public string? Department { get; init; }

    public string? Agent { get; init; }

    /// <inheritdoc/>
    public IHotlineEvent WithMaskedPhoneNumbers() => this with { ContactPhone = PhoneMask.Mask(ContactPhone) };
}

/// <summary>Sent to the responsible department for verification (转交核实).</summary>
public sealed record TicketForwarded : TicketEvent
{
    public required string Department { get; init; }
}

/// <summary>The department verified the complaint (核实): founded or not, with its findings.</summary>
public sealed record TicketVerified : TicketEvent
{
    public required bool Founded { get; init; }

    public required string Findings { get; init; }
}

/// <summary>The ticket got its first handler (agent and/or department).</summary>
public sealed record TicketAssigned : TicketEvent
{
    public string? Agent { get; init; }

    public string? Department { get; init; }
}

/// <summary>A supervisor (or a delegate handover) moved the ticket to another agent or department.</summary>
public sealed record TicketReassigned : TicketEvent
{
    public string? FromAgent { get; init; }

    public string? ToAgent { get; init; }

    public string? FromDepartment { get; init; }

    public string? ToDepartment { get; init; }

    public required string Reason { get; init; }
}

/// <summary>Escalated to a department head, manager or supervisor; <see cref="Level"/> counts escalations.</summary>
public sealed record TicketEscalated : TicketEvent
{
    public required int Level { get; init; }

    public required string Reason { get; init; }
}

/// <summary>The ticket moved from one workflow status to another.</summary>
public sealed record TicketStatusChanged : TicketEvent
{
    public required string FromStatus { get; init; }
}

/// <summary>Base of the SLA clock events: which clock, and when it is (or was) due.</summary>
public abstract record TicketSlaEvent : TicketEvent
{
    /// <summary><c>FirstReply</c>, <c>Target</c> or <c>Deadline</c>.</summary>
    public required string Clock { get; init; }

    public required DateTimeOffset DueAt { get; init; }
}

/// <summary>A clock passed its at-risk share (80% by default) unmet.</summary>
public sealed record TicketSlaWarning : TicketSlaEvent;

/// <summary>A clock's due time passed unmet; for the target, the agent must update the customer (超过期限,应积极答复客户).</summary>
public sealed record TicketSlaTargetMissed : TicketSlaEvent;

/// <summary>The deadline passed unmet: breached, and escalated to the supervisor.</summary>
public sealed record TicketSlaBreached : TicketSlaEvent;

/// <summary>The department returned the handling form with its plan and result (处理完毕).</summary>
public sealed record TicketResolved : TicketEvent
{
    public required string HandlingPlan { get; init; }

    public required string Result { get; init; }

    public required string Handler { get; init; }
}

/// <summary>The agent told the customer the result (答复客户).</summary>
public sealed record CustomerNotified : TicketEvent
{
    public required string Message { get; init; }
}

/// <summary>A callback to the customer is due now (回访).</summary>
public sealed record CallbackDue : TicketEvent
{
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>Which attempt this is, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary><c>Feedback</c> after notification, or <c>Promise</c> for an answer promised within 2 or 16 working hours.</summary>
    public required string Purpose { get; init; }
}

/// <summary>The outcome of a callback attempt: Satisfied, Unsatisfied or Unreachable.</summary>
public sealed record CallbackRecorded : TicketEvent
{
    public required string Outcome { get; init; }

    public required int Attempt { get; init; }

    public string? Note { get; init; }
}

/// <summary>Archived with its register entry complete (归档).</summary>
public sealed record TicketClosed : TicketEvent
{
    /// <summary>Satisfied, Unreachable, Answered, Forwarded (suggestion), …</summary>
    public required string Resolution { get; init; }
}

/// <summary>Opened again, e.g. after an unsatisfied callback.</summary>
public sealed record TicketReopened : TicketEvent
{
    public required string Reason { get; init; }
}
