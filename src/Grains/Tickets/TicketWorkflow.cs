using HotlineGrains.Grains.ServiceLevels;

namespace HotlineGrains.Grains.Tickets;

/// <summary>
/// Which steps each status allows, per ticket kind (SPEC §3). One table, so the 409 answer's list
/// of allowed next steps and the check that produces it can never disagree.
/// </summary>
public static class TicketWorkflow
{
    /// <summary>What a supervisor or agent may do at any open step.</summary>
    private static readonly TicketStep[] Anytime = [TicketStep.Reply, TicketStep.Reassign, TicketStep.Escalate, TicketStep.Classify];

    public static IReadOnlyList<TicketStep> AllowedSteps(TicketStatus status, TicketKind kind)
    {
        TicketStep[] specific = status switch
        {
            TicketStatus.Received => kind switch
            {
                TicketKind.Complaint => [TicketStep.Forward],
                TicketKind.Suggestion => [TicketStep.Forward],
                TicketKind.Repair => [TicketStep.Dispatch],
                TicketKind.Lookup => [TicketStep.Answer],
                _ => [TicketStep.Answer],
            },
            TicketStatus.AwaitingAnswer => [TicketStep.Answer],
            TicketStatus.Forwarded => [TicketStep.Verify],
            TicketStatus.InProgress => [TicketStep.WaitOnCustomer, TicketStep.Resolve],
            TicketStatus.WaitingOnCustomer => [TicketStep.Resume],
            TicketStatus.Unfounded => [TicketStep.NotifyCustomer],
            TicketStatus.Resolved => [TicketStep.NotifyCustomer, TicketStep.SignOff],
            TicketStatus.CustomerNotified => [TicketStep.RecordCallback, TicketStep.SignOff],
            TicketStatus.Closed => [TicketStep.SignOff],
            _ => [],
        };
        return status is TicketStatus.Closed or TicketStatus.Pending ? specific : [.. specific, .. Anytime];
    }

    public static bool IsOpen(TicketStatus status) => status is not (TicketStatus.Closed or TicketStatus.Pending);
}

/// <summary>A step that the ticket's status does not allow; the API answers 409 with <see cref="Allowed"/>.</summary>
public sealed class StepNotAllowedException(TicketStep step, TicketStatus status, IReadOnlyList<TicketStep> allowed)
    : Exception($"{step} is not allowed while the ticket is {status}; allowed: {string.Join(", ", allowed)}.")
{
    public TicketStep Step { get; } = step;

    public TicketStatus Status { get; } = status;

    public IReadOnlyList<TicketStep> Allowed { get; } = allowed;
}

/// <summary>The caller changed the ticket on the basis of a version that is no longer current (HTTP 412).</summary>
public sealed class StaleTicketException(long expected, long actual)
    : Exception($"The ticket is at version {actual}, not {expected}: reload it and try again.")
{
    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}
