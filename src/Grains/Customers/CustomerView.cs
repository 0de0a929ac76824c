using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>A customer as the REST API and the intake form show them.</summary>
/// <param name="FormOfAddress">What the agent calls the customer: 王先生.</param>
/// <param name="Tickets">Newest first.</param>
/// <param name="NextCallbacks">The next relationship callback of each role, soonest first.</param>
/// <param name="RecentCallbacks">Relationship callbacks raised, newest first.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CustomerView(
    string Id,
    string Surname,
    string? FullName,
    Honorific Honorific,
    string FormOfAddress,
    string UnitNumber,
    IReadOnlyList<string> Phones,
    string ProjectId,
    CustomerTier Tier,
    IReadOnlyList<CustomerTicket> Tickets,
    IReadOnlyList<PlannedCallback> NextCallbacks,
    IReadOnlyList<RaisedCallback> RecentCallbacks);

/// <summary>
/// A customer's row in the <c>customers</c> read model, scoped by project and ordered by the last
/// contact. <see cref="PrimaryPhone"/> is top level so an incoming number can be looked up with a
/// field filter.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CustomerDirectoryRow(
    string Id,
    string FormOfAddress,
    string Surname,
    string? FullName,
    string UnitNumber,
    string PrimaryPhone,
    IReadOnlyList<string> Phones,
    CustomerTier Tier,
    int Tickets,
    DateTimeOffset? LastTicketAt);
