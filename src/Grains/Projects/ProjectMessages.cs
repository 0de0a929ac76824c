namespace HotlineGrains.Grains.Projects;

/// <summary>Ticket → project: hand out the next number for this ticket (answered with <c>TicketNumberAssigned</c>).</summary>
public sealed record IssueTicketNumber(string TicketId, string Actor);

/// <summary>Ticket → project: something the project counts happened to one of its tickets.</summary>
public sealed record TicketActivity(string TicketId, TicketActivityKind Kind, DateTimeOffset At);

public enum TicketActivityKind
{
    Closed,
    Breached,
    CallbackSatisfied,
    CallbackUnsatisfied,
    CallbackUnreachable,
}

/// <summary>A call event from the phone switch (CTI).</summary>
public sealed record CallEvent(string CallId, CallEventKind Kind, DateTimeOffset At, string? Agent);

public enum CallEventKind
{
    Ringing,
    Answered,
    Ended,
    Abandoned,
}
