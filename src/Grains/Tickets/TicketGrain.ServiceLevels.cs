using HotlineGrains.Contracts;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Turns;

namespace HotlineGrains.Grains.Tickets;

/// <summary>The ticket's clocks and callbacks: each is a reminder, re-planned after every step.</summary>
public sealed partial class TicketGrain
{
    public const string SlaReminder = "sla";
    public const string CallbackReminder = "callback";

    public async Task ReceiveReminder(ReminderTick tick)
    {
        if (!TicketWorkflow.IsOpen(State.Status))
        {
            return;
        }

        var settings = await LoadSettings();
        if (tick.Name == CallbackReminder && State.NextCallback is { Announced: false } callback && callback.DueAt <= Turn.Now)
        {
            Publish(new CallbackDue { DueAt = callback.DueAt, Attempt = callback.Attempt, Purpose = callback.Purpose.ToString() }, "system:callback");
            Record("system:callback", "Callback due", $"{callback.Purpose} #{callback.Attempt}");
            State.NextCallback = callback with { Announced = true };
        }

        Replan(settings);
    }

    /// <summary>The ticket's clocks at <paramref name="now"/>, on the project's calendar and policy.</summary>
    private SlaStatus ServiceLevelsAt(ProjectSettings settings, DateTimeOffset now) =>
        SlaCalculator.Compute(settings.Calendar, settings.ServiceLevels, ClockFacts(), now);

    private TicketClockFacts ClockFacts() => new()
    {
        Kind = State.Kind,
        Severity = State.Severity,
        Urgent = State.Urgent,
        ReceivedAt = State.ReceivedAt,
        Pauses = [.. State.Pauses.Select(p => new PauseInterval(p.From, p.To))],
        FirstRepliedAt = State.FirstReplyAt,
        ResolvedAt = State.ResolvedAt,
    };

    private async Task<ProjectSettings> LoadSettings() =>
        await GrainFactory.GetGrain<IProjectGrain>(State.Intake!.ProjectId).GetSettings()
        ?? throw new InvalidOperationException($"Project {State.Intake!.ProjectId} is not configured.");

    /// <summary>
    /// Raises the clock events whose time has come (each once), and sets the reminders for the next
    /// clock event and the next callback. Everything is recomputed from the facts, so a step that
    /// changed severity, kind, urgency, pauses or the calendar just gives a new plan.
    /// </summary>
    private void Replan(ProjectSettings settings)
    {
        var open = TicketWorkflow.IsOpen(State.Status);
        SlaStatus? sla = null;
        if (open)
        {
            sla = ServiceLevelsAt(settings, Turn.Now);
            RaiseCrossedClockEvents(sla);
        }

        if (open && sla?.NextEvent is { } next)
        {
            Turn.SetReminder(SlaReminder, next.At);
        }
        else
        {
            Turn.CancelReminder(SlaReminder);
        }

        if (open && State.NextCallback is { Announced: false } callback)
        {
            Turn.SetReminder(CallbackReminder, callback.DueAt);
        }
        else
        {
            Turn.CancelReminder(CallbackReminder);
        }

        var row = TicketRegisterRow.From(Key, State, sla);
        Turn.Project(RegisterModel, State.Intake!.ProjectId, State.ReceivedAt, row);

        // The project's board hears of every change of the row, with the row's version after this turn.
        Turn.Send<ProjectBoardGrain>(State.Intake!.ProjectId, BoardTicketChanged.From(row, Version + 1));

        // The reports count every ticket's clocks, a closed one's as they stood when it closed.
        var clocks = sla ?? ServiceLevelsAt(settings, State.ClosedAt ?? Turn.Now);
        Turn.Project(Reports.TicketFacts.Model, State.Intake!.ProjectId, State.ReceivedAt, Reports.TicketFacts.From(Key, State, clocks));
    }

    private void RaiseCrossedClockEvents(SlaStatus sla)
    {
        foreach (var clock in sla.Clocks.Where(c => c.SatisfiedAt is null && c.DueAt is not null))
        {
            var due = clock.DueAt!.Value;
            if (clock.AtRiskAt is { } risk && risk <= Turn.Now && FirstTime(clock.Clock, SlaEventKind.AtRisk, due))
            {
                Publish(new TicketSlaWarning { Clock = clock.Clock.ToString(), DueAt = due }, "system:sla");
            }

            if (due > Turn.Now)
            {
                continue;
            }

            if (clock.Clock == SlaClock.Deadline)
            {
                if (FirstTime(clock.Clock, SlaEventKind.Breached, due))
                {
                    Publish(new TicketSlaBreached { Clock = clock.Clock.ToString(), DueAt = due }, "system:sla");
                    LogBreached(Logger, clock.Clock, due);
                    EscalateTo("system:sla", "Deadline breached: escalated to the supervisor");
                    Turn.Send<ProjectGrain>(State.Intake!.ProjectId, new TicketActivity(Key, TicketActivityKind.Breached, Turn.Now));
                }
            }
            else if (FirstTime(clock.Clock, SlaEventKind.TargetMissed, due))
            {
                Publish(new TicketSlaTargetMissed { Clock = clock.Clock.ToString(), DueAt = due }, "system:sla");
                if (clock.Clock == SlaClock.Target)
                {
                    State.CustomerUpdateDueSince ??= Turn.Now;
                    Record("system:sla", "Customer update due", "Target passed: update the customer (超过期限,应积极答复客户)");
                }
            }
        }
    }

    private bool FirstTime(SlaClock clock, SlaEventKind kind, DateTimeOffset due)
    {
        var key = $"{clock}:{kind}:{due.UtcTicks}";
        if (State.SlaEventsRaised.Contains(key))
        {
            return false;
        }

        State.SlaEventsRaised.Add(key);
        return true;
    }
}
