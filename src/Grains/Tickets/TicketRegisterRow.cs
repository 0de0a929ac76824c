using HotlineGrains.Grains.ServiceLevels;
using Orleans;

namespace HotlineGrains.Grains.Tickets;

/// <summary>
/// A ticket's row in the register (投诉登记表, SPEC §3): what the register query, the CSV export and
/// the floor list need, kept current in the ticket's own turns. Filterable fields are strings.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketRegisterRow(
    string TicketId,
    string Number,
    string ProjectId,
    string Status,
    string Kind,
    string Severity,
    bool Urgent,
    string Channel,
    string Category,
    string? Agent,
    string? Department,
    DateTimeOffset ReceivedAt,
    string CustomerName,
    string UnitNumber,
    string ContactPhone,
    string Content,
    string? Verification,
    string? Result,
    string? CallbackFeedback,
    string? Handler,
    int EscalationLevel,
    DateTimeOffset? NextDueAt,
    string? SlaState,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? CallbackDueAt = null,
    DateTimeOffset? ResolvedAt = null)
{
    public static TicketRegisterRow From(string ticketId, TicketState state, SlaStatus? sla)
    {
        var intake = state.Intake!;
        var worst = sla?.Clocks.Select(c => c.State).DefaultIfEmpty(ClockState.Met).Max();
        var nextDue = sla?.Clocks.Where(c => c.SatisfiedAt is null && c.DueAt is not null).Select(c => c.DueAt).Min();
        return new TicketRegisterRow(
            ticketId,
            state.Number ?? string.Empty,
            intake.ProjectId,
            state.Status.ToString(),
            state.Kind.ToString(),
            state.Severity.ToString(),
            state.Urgent,
            intake.Channel.ToString(),
            intake.Category,
            state.Agent,
            state.Department,
            state.ReceivedAt,
            intake.CustomerName,
            intake.UnitNumber,
            intake.ContactPhone,
            intake.Content,
            state.Verification is { } v ? (v.Founded ? "属实: " : "不属实: ") + v.Findings : null,
            state.Handling?.Result ?? state.Notification?.Message,
            state.Callbacks.Count > 0 ? string.Join("; ", state.Callbacks.Select(c => $"#{c.Attempt} {c.Outcome}{(c.Note is null ? "" : ": " + c.Note)}")) : null,
            state.Handling?.Handler,
            state.EscalationLevel,
            nextDue,
            worst?.ToString(),
            state.ClosedAt,
            state.NextCallback?.DueAt,
            state.ResolvedAt);
    }
}
