namespace HotlineGrains.Grains.Agents;

/// <summary>Ticket → agent: the ticket is now assigned to this agent. Repeating it changes nothing.</summary>
public sealed record TrackTicket(string TicketId, string TicketNumber);

/// <summary>Ticket → agent: the ticket was closed or moved to someone else. Repeating it changes nothing.</summary>
public sealed record ReleaseTicket(string TicketId);
