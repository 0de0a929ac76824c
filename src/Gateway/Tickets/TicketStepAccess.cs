using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>
/// Who may take each workflow step (SPEC §1, §3): agents talk to the customer, the responsible
/// department verifies and resolves, only a supervisor reassigns, escalates or reclassifies, only
/// the project manager signs the handling form off.
/// </summary>
internal static class TicketStepAccess
{
    private static readonly string[] Floor = [Roles.Agent, Roles.Supervisor];
    private static readonly string[] Handling = [Roles.Agent, Roles.Supervisor, Roles.Department];

    public static readonly IReadOnlyDictionary<TicketStep, string[]> AllowedRoles = new Dictionary<TicketStep, string[]>
    {
        [TicketStep.Forward] = Floor,
        [TicketStep.Dispatch] = Floor,
        [TicketStep.NotifyCustomer] = Floor,
        [TicketStep.RecordCallback] = Floor,
        [TicketStep.Answer] = Floor,
        [TicketStep.Reply] = Floor,
        [TicketStep.Verify] = [Roles.Department],
        [TicketStep.Resolve] = [Roles.Department],
        [TicketStep.WaitOnCustomer] = Handling,
        [TicketStep.Resume] = Handling,
        [TicketStep.Reassign] = [Roles.Supervisor],
        [TicketStep.Escalate] = [Roles.Supervisor],
        [TicketStep.Classify] = [Roles.Supervisor],
        [TicketStep.SignOff] = [Roles.ProjectManager],
    };

    /// <summary>Every role that may take some step: the rest are refused before anything is read.</summary>
    public static readonly string[] AnyStepper = [.. AllowedRoles.Values.SelectMany(r => r).Distinct()];

    public static IResult? Refuse(Caller caller, TicketStep step) =>
        caller.IsIn(AllowedRoles[step]) ? null
            : Problems.Forbidden($"Only {string.Join(" or ", AllowedRoles[step])} may {TicketSteps.Name(step)} a ticket.");

    /// <summary>A department user acts only on the tickets of a department they answer for.</summary>
    public static IResult? RefuseDepartment(Caller caller, TicketStep step, TicketState ticket) =>
        caller.IsIn(AllowedRoles[step].Where(r => r != Roles.Department).ToArray()) || caller.AnswersFor(ticket.Department) ? null
            : Problems.Forbidden($"Only the responsible department ({ticket.Department ?? "none yet"}) may {TicketSteps.Name(step)} this ticket.");
}
