using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>
/// Ticket → agent: the ticket is now assigned to this agent. Repeating it changes nothing.
/// <paramref name="Assignment"/> counts the ticket's assignments, so messages that arrive out of
/// order are put back in order (0: sent before assignments were counted, applied as it comes).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TrackTicket(string TicketId, string TicketNumber, long Assignment = 0) : IGrainMessage;

/// <summary>Ticket → agent: the ticket was closed or moved to someone else, ending <paramref name="Assignment"/>. Repeating it changes nothing.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ReleaseTicket(string TicketId, long Assignment = 0) : IGrainMessage;
