using HotlineGrains.Grains.ServiceLevels;
using Orleans;

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
[GenerateSerializer]
public sealed class StepNotAllowedException : Exception
{
    public StepNotAllowedException(TicketStep step, TicketStatus status, IReadOnlyList<TicketStep> allowed)
        : base($"{step} is not allowed while the ticket is {status}; allowed: {string.Join(", ", allowed)}.")
    {
        Step = step;
        Status = status;
        Allowed = allowed;
    }

    [Id(0)]
    public TicketStep Step { get; private set; }

    [Id(1)]
    public TicketStatus Status { get; private set; }

    [Id(2)]
    public IReadOnlyList<TicketStep> Allowed { get; private set; }
}

/// <summary>The caller changed the ticket on the basis of a version that is no longer current (HTTP 412).</summary>
[GenerateSerializer]
public sealed class StaleTicketException : Exception
{
    public StaleTicketException(long expected, long actual)
        : base($"The ticket is at version {actual}, not {expected}: reload it and try again.")
    {
        Expected = expected;
        Actual = actual;
    }

    [Id(0)]
    public long Expected { get; private set; }

    [Id(1)]
    public long Actual { get; private set; }
}
