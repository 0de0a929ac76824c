using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using Orleans;

namespace HotlineGrains.Grains.Reports;

/// <summary>
/// A ticket's row in the <c>ticket-facts</c> read model (issue 12): the few typed facts the
/// management reports count, kept current in the ticket's own turns beside its register row (same
/// write, same transaction). Scoped by project and sorted by the received time, so a period's
/// report reads only that period's rows through the (model, scope, sort_time) index, never every
/// ticket. Filterable fields (<see cref="Agent"/>, <see cref="Department"/>) are strings.
/// </summary>
/// <param name="Agent">The receiving agent (接待人员): the agent a report per agent counts the ticket for.</param>
/// <param name="Founded">The verification's outcome (属实 / 不属实); null while not verified.</param>
/// <param name="Reopened">How many times the customer was unsatisfied at a callback and the ticket went back to handling.</param>
/// <param name="CallbackAttempts">Callback (回访) attempts recorded, every round.</param>
/// <param name="CallbackOutcome">The last callback's outcome (Satisfied, Unsatisfied, Unreachable); null before the first.</param>
/// <param name="UnsatisfiedReasons">The notes of the unsatisfied callbacks, oldest first.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketFacts(
    string TicketId,
    string ProjectId,
    DateTimeOffset ReceivedAt,
    string Kind,
    string Category,
    string Severity,
    bool Urgent,
    string Channel,
    string Status,
    string Agent,
    string? Department,
    bool? Founded,
    int Reopened,
    int CallbackAttempts,
    string? CallbackOutcome,
    IReadOnlyList<string> UnsatisfiedReasons,
    ClockFact? FirstReply,
    ClockFact? Target,
    ClockFact? Deadline,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt)
{
    /// <summary>The read model's name.</summary>
    public const string Model = "ticket-facts";

    public static TicketFacts From(string ticketId, TicketState state, SlaStatus? sla)
    {
        var intake = state.Intake!;
        return new TicketFacts(
            ticketId,
            intake.ProjectId,
            state.ReceivedAt,
            state.Kind.ToString(),
            intake.Category,
            state.Severity.ToString(),
            state.Urgent,
            intake.Channel.ToString(),
            state.Status.ToString(),
            intake.ReceivingAgent,
            state.Department,
            state.Verification?.Founded,
            state.Timeline.Count(t => t.What == "Reopened"),
            state.Callbacks.Count,
            state.Callbacks.Count == 0 ? null : state.Callbacks[^1].Outcome.ToString(),
            [.. state.Callbacks.Where(c => c.Outcome == Tickets.CallbackOutcome.Unsatisfied).Select(c => c.Note ?? string.Empty)],
            ClockFact.Of(sla?.FirstReply, state.ClosedAt),
            ClockFact.Of(sla?.Target, state.ClosedAt),
            ClockFact.Of(sla?.Deadline, state.ClosedAt),
            state.ResolvedAt,
            state.ClosedAt);
    }
}

/// <summary>Where one SLA clock of a ticket stands, as a report counts it.</summary>
/// <param name="State">Running, Paused, AtRisk, Met, Missed or Breached; <c>Stopped</c> for a clock of a closed ticket that was neither met nor missed (an unfounded complaint's target).</param>
/// <param name="WorkingTime">Working time used until the clock was satisfied (pauses not counted); null while it runs.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ClockFact(string State, TimeSpan? WorkingTime)
{
    public const string Stopped = "Stopped";

    public static ClockFact? Of(ClockStatus? clock, DateTimeOffset? closedAt) => clock is null ? null
        : new ClockFact(
            closedAt is not null && clock.SatisfiedAt is null && clock.State is ClockState.Running or ClockState.AtRisk or ClockState.Paused ? Stopped : clock.State.ToString(),
            clock.SatisfiedAt is null ? null : clock.Budget - clock.Remaining);
}
