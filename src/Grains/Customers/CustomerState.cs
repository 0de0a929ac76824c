using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>A customer (客户/业主) as stored.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class CustomerState
{
    /// <summary>Null until the customer is recorded; tickets received before that are kept.</summary>
    public CustomerProfile? Profile { get; set; }

    public DateTimeOffset? RegisteredAt { get; set; }

    /// <summary>Tickets received for the customer, oldest first, at most <see cref="CustomerGrain.TicketsKept"/>.</summary>
    public List<CustomerTicket> Tickets { get; set; } = [];

    /// <summary>The next callback of each role the customer's tier has; each has a reminder.</summary>
    public List<PlannedCallback> Planned { get; set; } = [];

    /// <summary>Callbacks raised, oldest first, at most <see cref="CustomerGrain.CallbacksKept"/>.</summary>
    public List<RaisedCallback> Raised { get; set; } = [];
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CustomerTicket(string TicketId, string TicketNumber, string Kind, DateTimeOffset ReceivedAt);

/// <summary>A relationship callback that fell due and was announced (CustomerCallbackDue).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record RaisedCallback(CallerRole Role, CustomerTier Tier, DateOnly Date, DateTimeOffset DueAt, DateTimeOffset RaisedAt);
