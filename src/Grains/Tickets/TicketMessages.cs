namespace HotlineGrains.Grains.Tickets;

/// <summary>Project → ticket: the number the project handed out for this ticket.</summary>
public sealed record TicketNumberAssigned(string TicketNumber);

/// <summary>Agent → ticket: the agent went on leave or off shift; their delegate (代办人) takes the ticket over.</summary>
public sealed record HandOverTicket(string FromAgent, string ToAgent, string Reason);

/// <summary>Project → ticket: the calendar or SLA policy changed; recompute the clocks.</summary>
public sealed record ServiceLevelsChanged;
