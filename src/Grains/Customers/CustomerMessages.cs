using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>
/// Ticket → customer: a ticket was received for this customer; it goes into their history.
/// Repeating it changes nothing.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record RecordCustomerTicket(string TicketId, string TicketNumber, string Kind, DateTimeOffset ReceivedAt) : IGrainMessage;
