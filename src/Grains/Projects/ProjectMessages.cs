using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Projects;

/// <summary>Ticket → project: something the project counts happened to one of its tickets.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketActivity(string TicketId, TicketActivityKind Kind, DateTimeOffset At) : IGrainMessage;

public enum TicketActivityKind
{
    Closed,
    Breached,
    CallbackSatisfied,
    CallbackUnsatisfied,
    CallbackUnreachable,

    /// <summary>The ticket's intake is stored, with its number: the project need not remember the number for a retry.</summary>
    Recorded,
}

/// <summary>A call event from the phone switch (CTI).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CallEvent(string CallId, CallEventKind Kind, DateTimeOffset At, string? Agent);

public enum CallEventKind
{
    Ringing,
    Answered,
    Ended,
    Abandoned,
}
