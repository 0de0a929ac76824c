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
    /// <summary>Each step's operation: its endpoint's name and its row in <see cref="RoleTable"/>.</summary>
    public static readonly IReadOnlyDictionary<TicketStep, string> Operations = new Dictionary<TicketStep, string>
    {
        [TicketStep.Forward] = "ForwardTicket",
        [TicketStep.Verify] = "VerifyTicket",
        [TicketStep.Dispatch] = "DispatchTicket",
        [TicketStep.WaitOnCustomer] = "WaitOnCustomer",
        [TicketStep.Resume] = "ResumeTicket",
        [TicketStep.Resolve] = "ResolveTicket",
        [TicketStep.NotifyCustomer] = "NotifyCustomer",
        [TicketStep.RecordCallback] = "RecordCallback",
        [TicketStep.Answer] = "AnswerTicket",
        [TicketStep.Reply] = "ReplyToCustomer",
        [TicketStep.Reassign] = "ReassignTicket",
        [TicketStep.Escalate] = "EscalateTicket",
        [TicketStep.Classify] = "ClassifyTicket",
        [TicketStep.SignOff] = "SignOffHandlingForm",
    };

    public static readonly IReadOnlyDictionary<TicketStep, IReadOnlyList<string>> AllowedRoles =
        Operations.ToDictionary(o => o.Key, o => RoleTable.Of(o.Value).Roles);

    /// <summary>Every role that may take some step: the rest are refused before anything is read.</summary>
    public static readonly string[] AnyStepper = [.. AllowedRoles.Values.SelectMany(r => r).Distinct()];

    public static IResult? Refuse(Caller caller, TicketStep step) =>
        caller.IsIn([.. AllowedRoles[step]]) ? null
            : Problems.Forbidden($"Only {string.Join(" or ", AllowedRoles[step])} may {TicketSteps.Name(step)} a ticket.");

    /// <summary>A department user acts only on the tickets of a department they answer for.</summary>
    public static IResult? RefuseDepartment(Caller caller, TicketStep step, TicketState ticket) =>
        caller.IsIn([.. AllowedRoles[step].Where(r => r != Roles.Department)]) || caller.AnswersFor(ticket.Department) ? null
            : Problems.Forbidden($"Only the responsible department ({ticket.Department ?? "none yet"}) may {TicketSteps.Name(step)} this ticket.");
}
