namespace HotlineGrains.Grains.Tickets;

/// <summary>Where a ticket is in its workflow (SPEC §3).</summary>
public enum TicketStatus
{
    /// <summary>Recorded, waiting for its number from the project (a moment, normally).</summary>
    Pending,

    /// <summary>受理: recorded on the intake form.</summary>
    Received,

    /// <summary>An inquiry that could not be answered on the call: an answer is promised by callback.</summary>
    AwaitingAnswer,

    /// <summary>转交核实: sent to the responsible department to verify.</summary>
    Forwarded,

    /// <summary>不属实: the department found the complaint unfounded; the agent explains to the customer.</summary>
    Unfounded,

    /// <summary>处理中: the department (or its head, when escalated) is handling it.</summary>
    InProgress,

    /// <summary>Waiting on the customer: the clocks are paused.</summary>
    WaitingOnCustomer,

    /// <summary>处理完毕: the department returned the handling form.</summary>
    Resolved,

    /// <summary>答复客户: the customer was told the result; a callback is scheduled.</summary>
    CustomerNotified,

    /// <summary>归档: archived with the register entry complete.</summary>
    Closed,
}

/// <summary>What can be done to a ticket; each is <c>POST /api/tickets/{id}/{step}</c>.</summary>
public enum TicketStep
{
    Forward,
    Verify,
    Dispatch,
    WaitOnCustomer,
    Resume,
    Resolve,
    NotifyCustomer,
    RecordCallback,
    Answer,
    Reply,
    Reassign,
    Escalate,
    Classify,
    SignOff,
}

public enum Channel
{
    Phone,
    Web,
    Email,
    WalkIn,
    SocialMedia,
    Regulator,
}

public enum CallbackOutcome
{
    Satisfied,
    Unsatisfied,
    Unreachable,
}
