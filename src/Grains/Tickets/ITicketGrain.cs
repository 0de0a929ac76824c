using HotlineGrains.Grains.ServiceLevels;
using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Tickets;

/// <summary>
/// A ticket (工单), keyed by its id. Every step takes the version the caller last saw (the API's
/// <c>If-Match</c>; null to skip the check) and the acting user, and returns the ticket as it is after.
/// </summary>
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>Records the intake form and numbers the ticket. A retried intake (same ticket id) changes nothing and answers false.</summary>
    Task<bool> Open(TicketIntake intake, string actor);

    Task<TicketState> Forward(string department, string actor, long? expectedVersion);

    Task<TicketState> Verify(bool founded, string findings, bool solvableAtOnce, string actor, long? expectedVersion);

    Task<TicketState> Dispatch(string department, string actor, long? expectedVersion);

    Task<TicketState> WaitOnCustomer(string reason, string actor, long? expectedVersion);

    Task<TicketState> Resume(string actor, long? expectedVersion);

    Task<TicketState> Resolve(string plan, string result, string handler, string? departmentManager, string actor, long? expectedVersion);

    Task<TicketState> NotifyCustomer(string message, string actor, long? expectedVersion);

    Task<TicketState> RecordCallback(CallbackOutcome outcome, string? note, string actor, long? expectedVersion);

    Task<TicketState> Answer(string answer, string actor, long? expectedVersion);

    Task<TicketState> Reply(string text, IReadOnlyList<string> forbiddenFound, string actor, long? expectedVersion);

    Task<TicketState> Reassign(string? toAgent, string? toDepartment, string reason, string actor, long? expectedVersion);

    Task<TicketState> Escalate(string reason, string actor, long? expectedVersion);

    Task<TicketState> Classify(TicketKind? kind, Severity? severity, bool? urgent, string actor, long? expectedVersion);

    Task<TicketState> SignOff(string actor, long? expectedVersion);

    /// <summary>The ticket as stored, with its version (the ETag); an empty state if it was never recorded.</summary>
    [AlwaysInterleave]
    Task<TicketSnapshot> GetSnapshot();
}

/// <summary>A ticket as stored and the version it is at.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record TicketSnapshot(TicketState State, long Version)
{
    public bool Exists => State.Intake is not null && State.Number is not null;
}
