using HotlineGrains.Gateway.Api;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>A ticket as the API shows it: its records, its SLA clocks now, and what may be done next.</summary>
public sealed record TicketView(
    string Id,
    string? Number,
    string ProjectId,
    string ETag,
    TicketStatus Status,
    TicketKind Kind,
    Severity Severity,
    bool Urgent,
    Channel Channel,
    string Category,
    CustomerOnTicket Customer,
    string Content,
    string? Agent,
    string? Department,
    int EscalationLevel,
    DateTimeOffset ReceivedAt,
    Verification? Verification,
    Handling? Handling,
    Notification? Notification,
    IReadOnlyList<CallbackAttempt> Callbacks,
    ScheduledCallback? NextCallback,
    SignOff? SignOff,
    IReadOnlyList<Pause> Pauses,
    IReadOnlyList<Reply> Replies,
    DateTimeOffset? AnswerDueAt,
    DateTimeOffset? CustomerUpdateDueSince,
    string? Resolution,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<ClockView> Sla,
    IReadOnlyList<string> AllowedSteps,
    IReadOnlyList<TimelineEntry> Timeline)
{
    /// <summary>Set on the answer to a reply: the forbidden phrases (忌语) found in it.</summary>
    public IReadOnlyList<string>? ForbiddenPhrasesFound { get; init; }

    public static TicketView From(string id, TicketState state, long version, ProjectSettings settings, DateTimeOffset now)
    {
        var intake = state.Intake!;
        var open = TicketWorkflow.IsOpen(state.Status);
        var sla = state.Number is null ? null : SlaCalculator.Compute(settings.Calendar, settings.ServiceLevels, new TicketClockFacts
        {
            Kind = state.Kind,
            Severity = state.Severity,
            Urgent = state.Urgent,
            ReceivedAt = state.ReceivedAt,
            Pauses = [.. state.Pauses.Select(p => new PauseInterval(p.From, p.To))],
            FirstRepliedAt = state.FirstReplyAt,
            ResolvedAt = state.ResolvedAt,
        }, open ? now : state.ClosedAt ?? now);
        return new TicketView(
            id, state.Number, intake.ProjectId, ETags.Of(version), state.Status, state.Kind, state.Severity, state.Urgent,
            intake.Channel, intake.Category,
            new CustomerOnTicket(intake.CustomerId, intake.CustomerName, intake.Honorific, intake.UnitNumber, intake.ContactPhone),
            intake.Content, state.Agent, state.Department, state.EscalationLevel, state.ReceivedAt,
            state.Verification, state.Handling, state.Notification, state.Callbacks, state.NextCallback, state.SignOff,
            state.Pauses, state.Replies, state.AnswerDueAt, state.CustomerUpdateDueSince, state.Resolution, state.ClosedAt,
            sla?.Clocks.Select(ClockView.From).ToList() ?? [],
            TicketWorkflow.AllowedSteps(state.Status, state.Kind).Select(TicketSteps.Name).ToList(),
            state.Timeline);
    }
}

/// <param name="Id">The customer record the ticket is filed under, when the agent picked one.</param>
public sealed record CustomerOnTicket(string? Id, string Name, string? Honorific, string UnitNumber, string ContactPhone);

/// <summary>One SLA clock: when it is due, how it stands, and the working time left (negative when overdue).</summary>
public sealed record ClockView(
    SlaClock Clock,
    ClockState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? AtRiskAt,
    double RemainingWorkingSeconds,
    double BudgetWorkingSeconds,
    DateTimeOffset? SatisfiedAt)
{
    public static ClockView From(ClockStatus clock) =>
        new(clock.Clock, clock.State, clock.StartedAt, clock.DueAt, clock.AtRiskAt, clock.Remaining.TotalSeconds, clock.Budget.TotalSeconds, clock.SatisfiedAt);
}
