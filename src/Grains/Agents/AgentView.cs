using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>An agent as the REST API and the supervisor's floor view show it.</summary>
/// <param name="TimeInState">How long the agent has been in <paramref name="Presence"/> at the moment the view was taken.</param>
/// <param name="OverBreakLimit">On a break longer than the project allows; the supervisor was alerted.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record AgentView(
    string Id,
    string WorkNumber,
    string Name,
    IReadOnlyList<string> Projects,
    IReadOnlyList<string> Departments,
    Presence Presence,
    DateTimeOffset Since,
    TimeSpan TimeInState,
    string? Delegate,
    IReadOnlyList<AgentTicket> OpenTickets,
    bool OverBreakLimit);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record AgentTicket(string TicketId, string TicketNumber);

/// <summary>
/// An agent's row in the <c>agents</c> read model (the live floor). Time in state is not stored,
/// it would be stale the moment it was written: the wallboard derives it from <see cref="Since"/>.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record AgentFloorRow(
    string Id,
    string WorkNumber,
    string Name,
    IReadOnlyList<string> Projects,
    IReadOnlyList<string> Departments,
    Presence Presence,
    DateTimeOffset Since,
    string? Delegate,
    int OpenTickets,
    bool OverBreakLimit);
