using HotlineGrains.Contracts;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Turns;
using Microsoft.Extensions.Logging;
using Orleans;

namespace HotlineGrains.Grains.Tickets;

/// <summary>
/// One customer contact that needs handling (工单), from intake to archive, following SPEC §3. Every
/// step checks the workflow table, goes into the timeline, publishes its events, keeps the
/// ticket's register row current and re-plans the SLA reminders.
/// </summary>
[GrainType("ticket")]
public sealed partial class TicketGrain : HotlineGrain<TicketState>, ITicketGrain, IHandleReminders,
    IHandle<HandOverTicket>, IHandle<ServiceLevelsChanged>
{
    /// <summary>The read model of the ticket register (投诉登记表), one row per ticket, scoped by project.</summary>
    public const string RegisterModel = "ticket-register";

    private bool Exists => State.Intake is not null && State.Number is not null;

    protected override IEnumerable<KeyValuePair<string, object?>> LogFields() =>
        [new("TicketId", Key), new("TicketNumber", State.Number), new("ProjectId", State.Intake?.ProjectId)];

    public Task<TicketSnapshot> GetSnapshot() => Task.FromResult(new TicketSnapshot(State, Version));

    /// <summary>
    /// Records the intake form and numbers the ticket. The project hands the number out for this
    /// ticket id once: a retried intake whose first try was numbered but not stored gets the same
    /// number back, and one that was stored changes nothing.
    /// </summary>
    public async Task<bool> Open(TicketIntake intake, string actor)
    {
        ArgumentNullException.ThrowIfNull(intake);
        if (Exists)
        {
            return false;
        }

        var number = await GrainFactory.GetGrain<IProjectGrain>(intake.ProjectId).IssueTicketNumber(Key, actor);
        State.Intake = intake;
        State.Kind = intake.Kind;
        State.Severity = intake.Severity;
        State.Urgent = intake.Urgent;
        State.ReceivedAt = intake.ReceivedAt ?? Turn.Now;
        State.Agent = intake.ReceivingAgent;
        State.Department = intake.Department;
        State.Status = TicketStatus.Pending;
        State.Timeline.Add(new TimelineEntry(Turn.Now, actor, "Recorded", TicketStatus.Pending, TicketStatus.Pending, null));
        var settings = await LoadSettings();
        State.Number = number;
        MoveTo(TicketStatus.Received, actor, "Received", State.Number);
        Publish(new TicketReceived
        {
            Kind = State.Kind.ToString(),
            Severity = State.Severity.ToString(),
            Urgent = State.Urgent,
            Channel = intake.Channel.ToString(),
            Category = intake.Category,
            CustomerName = intake.CustomerName,
            UnitNumber = intake.UnitNumber,
            ContactPhone = intake.ContactPhone,
            Content = intake.Content,
            Department = intake.Department,
            Agent = intake.ReceivingAgent,
        }, actor);
        Publish(new TicketAssigned { Agent = State.Agent, Department = State.Department }, actor);
        LogRecorded(Logger, actor, State.Kind, State.Severity, intake.Channel);
        if (intake.AnsweredOnCall)
        {
            State.FirstReplyAt = State.ReceivedAt;
        }

        switch (intake.Kind)
        {
            case TicketKind.Inquiry or TicketKind.Lookup when intake.AnsweredOnCall:
                State.ResolvedAt = State.ReceivedAt;
                Close(actor, "Answered");
                break;
            case TicketKind.Inquiry:
                // Not answerable on the spot: an answer is promised within 2 or 16 working hours.
                MoveTo(TicketStatus.AwaitingAnswer, actor, "Answer promised", intake.AnswerIsDifficult ? "difficult" : "simple");
                State.AnswerDueAt = CallbackSchedule.Promise(settings.Calendar, settings.ServiceLevels, State.ReceivedAt, intake.AnswerIsDifficult).AnswerDue;
                State.NextCallback = PlanCallback(settings, CallbackPurpose.Interim, 1);
                break;
        }

        if (intake.CustomerId is { } customerId)
        {
            Turn.Send<CustomerGrain>(customerId, new RecordCustomerTicket(Key, State.Number, State.Kind.ToString(), State.ReceivedAt));
        }

        // The number is the ticket's now: the project forgets it with this turn stored (a ticket
        // closed on the call tells it so by closing).
        if (State.ClosedAt is null)
        {
            Turn.Send<ProjectGrain>(intake.ProjectId, new TicketActivity(Key, TicketActivityKind.Recorded, Turn.Now));
        }

        // A ticket closed on the call never reaches the agent's open list.
        if (TicketWorkflow.IsOpen(State.Status) && State.Agent is { } agent)
        {
            State.Assignment++;
            Turn.Send<AgentGrain>(agent, new TrackTicket(Key, State.Number, State.Assignment));
        }

        Replan(settings);
        return true;
    }

    public Task<TicketState> Forward(string department, string actor, long? expectedVersion) =>
        Step(TicketStep.Forward, actor, expectedVersion, () =>
        {
            State.Department = department;
            if (State.Kind == TicketKind.Suggestion)
            {
                // 建议: thanked, forwarded to the responsible person, closed.
                Publish(new TicketForwarded { Department = department }, actor);
                Close(actor, "Forwarded");
            }
            else
            {
                MoveTo(TicketStatus.Forwarded, actor, "Forwarded", department);
                Publish(new TicketForwarded { Department = department }, actor);
            }
        });

    /// <summary>核实: founded → handled, escalated to the department head when complex, urgent or not solvable at once; unfounded → explained.</summary>
    public Task<TicketState> Verify(bool founded, string findings, bool solvableAtOnce, string actor, long? expectedVersion) =>
        Step(TicketStep.Verify, actor, expectedVersion, () =>
        {
            State.Verification = new Verification(founded, findings, actor, Turn.Now);
            MoveTo(founded ? TicketStatus.InProgress : TicketStatus.Unfounded, actor, founded ? "Verified founded" : "Verified unfounded", findings);
            Publish(new TicketVerified { Founded = founded, Findings = findings }, actor);
            if (!founded)
            {
                return;
            }

            if (State.Severity == Severity.Complex || State.Urgent || !solvableAtOnce)
            {
                EscalateTo(actor, "Severe, complex or not solvable at once: the department head organises the handling");
            }
        });

    /// <summary>生单转现场: a repair becomes an on-site work order for a department.</summary>
    public Task<TicketState> Dispatch(string department, string actor, long? expectedVersion) =>
        Step(TicketStep.Dispatch, actor, expectedVersion, () =>
        {
            var from = State.Department;
            State.Department = department;
            if (from != department)
            {
                Publish(new TicketAssigned { Agent = State.Agent, Department = department }, actor);
            }

            MoveTo(TicketStatus.InProgress, actor, "Dispatched on site", department);
        });

    public Task<TicketState> WaitOnCustomer(string reason, string actor, long? expectedVersion) =>
        Step(TicketStep.WaitOnCustomer, actor, expectedVersion, () =>
        {
            State.Pauses.Add(new Pause(Turn.Now, null, reason));
            MoveTo(TicketStatus.WaitingOnCustomer, actor, "Waiting on the customer", reason);
        });

    public Task<TicketState> Resume(string actor, long? expectedVersion) =>
        Step(TicketStep.Resume, actor, expectedVersion, () =>
        {
            EndPause();
            MoveTo(TicketStatus.InProgress, actor, "Resumed", null);
        });

    /// <summary>处理完毕: the department returns the handling form with its plan and result.</summary>
    public Task<TicketState> Resolve(string plan, string result, string handler, string? departmentManager, string actor, long? expectedVersion) =>
        Step(TicketStep.Resolve, actor, expectedVersion, () =>
        {
            State.Handling = new Handling(plan, result, handler, departmentManager, Turn.Now);
            State.ResolvedAt = Turn.Now;
            MoveTo(TicketStatus.Resolved, actor, "Resolved", result);
            Publish(new TicketResolved { HandlingPlan = plan, Result = result, Handler = handler }, actor);
        });

    /// <summary>答复客户: the agent tells the customer the result (or, if unfounded, explains); the callback is scheduled.</summary>
    public Task<TicketState> NotifyCustomer(string message, string actor, long? expectedVersion) =>
        Step(TicketStep.NotifyCustomer, actor, expectedVersion, settings =>
        {
            State.Notification = new Notification(message, actor, Turn.Now);
            State.FirstReplyAt ??= Turn.Now;
            State.CustomerUpdateDueSince = null;
            MoveTo(TicketStatus.CustomerNotified, actor, "Customer notified", message);
            Publish(new CustomerNotified { Message = message }, actor);
            State.NextCallback = PlanCallback(settings, CallbackPurpose.Feedback, 1);
        });

    /// <summary>回访: satisfied → closed; unsatisfied → reopened and escalated; unreachable → tried again, closed after the last attempt.</summary>
    public Task<TicketState> RecordCallback(CallbackOutcome outcome, string? note, string actor, long? expectedVersion) =>
        Step(TicketStep.RecordCallback, actor, expectedVersion, settings =>
        {
            // The attempt the ticket planned (and CallbackDue announced): a ticket reopened and
            // notified again starts a new round of attempts, so older unanswered calls do not count.
            var attempt = State.NextCallback is { Purpose: CallbackPurpose.Feedback } planned ? planned.Attempt : 1;
            State.Callbacks.Add(new CallbackAttempt(attempt, outcome, actor, Turn.Now, note));
            Publish(new CallbackRecorded { Outcome = outcome.ToString(), Attempt = attempt, Note = note }, actor);
            Turn.Send<ProjectGrain>(State.Intake!.ProjectId, new TicketActivity(Key, outcome switch
            {
                CallbackOutcome.Satisfied => TicketActivityKind.CallbackSatisfied,
                CallbackOutcome.Unsatisfied => TicketActivityKind.CallbackUnsatisfied,
                _ => TicketActivityKind.CallbackUnreachable,
            }, Turn.Now));
            State.NextCallback = null;
            switch (outcome)
            {
                case CallbackOutcome.Satisfied:
                    Close(actor, "Satisfied");
                    break;
                case CallbackOutcome.Unsatisfied:
                    State.ResolvedAt = null;
                    MoveTo(TicketStatus.InProgress, actor, "Reopened", note);
                    Publish(new TicketReopened { Reason = note ?? "Customer unsatisfied at callback" }, actor);
                    EscalateTo(actor, "Customer unsatisfied at callback");
                    break;
                case CallbackOutcome.Unreachable when CallbackSchedule.AttemptsExhausted(settings.ServiceLevels, attempt):
                    Close(actor, "Unreachable");
                    break;
                case CallbackOutcome.Unreachable:
                    State.NextCallback = PlanCallback(settings, CallbackPurpose.Feedback, attempt + 1);
                    break;
            }
        });

    /// <summary>An inquiry's promised answer, or a lookup's result, given to the customer: the ticket closes.</summary>
    public Task<TicketState> Answer(string answer, string actor, long? expectedVersion) =>
        Step(TicketStep.Answer, actor, expectedVersion, () =>
        {
            State.Notification = new Notification(answer, actor, Turn.Now);
            State.FirstReplyAt ??= Turn.Now;
            State.CustomerUpdateDueSince = null;
            State.ResolvedAt = Turn.Now;
            State.NextCallback = null;
            Publish(new CustomerNotified { Message = answer }, actor);
            Close(actor, "Answered");
        });

    /// <summary>
    /// A reply to the customer. It is always recorded; <paramref name="forbiddenFound"/> lists the
    /// project's forbidden phrases (忌语) it contains, which the console warned about.
    /// </summary>
    public Task<TicketState> Reply(string text, IReadOnlyList<string> forbiddenFound, string actor, long? expectedVersion) =>
        Step(TicketStep.Reply, actor, expectedVersion, () =>
        {
            State.Replies.Add(new Reply(text, actor, Turn.Now, forbiddenFound));
            State.FirstReplyAt ??= Turn.Now;
            State.CustomerUpdateDueSince = null;
            Record(actor, "Replied", forbiddenFound.Count > 0 ? "forbidden phrases: " + string.Join("、", forbiddenFound) : null);
        });

    /// <summary>A supervisor moves a live ticket to another agent and/or department.</summary>
    public Task<TicketState> Reassign(string? toAgent, string? toDepartment, string reason, string actor, long? expectedVersion) =>
        Step(TicketStep.Reassign, actor, expectedVersion, () => ReassignTo(toAgent, toDepartment, reason, actor));

    public Task<TicketState> Escalate(string reason, string actor, long? expectedVersion) =>
        Step(TicketStep.Escalate, actor, expectedVersion, () => EscalateTo(actor, reason));

    /// <summary>Changes kind, severity or urgency; the SLA clocks are recomputed from the start.</summary>
    public Task<TicketState> Classify(TicketKind? kind, Severity? severity, bool? urgent, string actor, long? expectedVersion) =>
        Step(TicketStep.Classify, actor, expectedVersion, () =>
        {
            var before = $"{State.Kind}/{State.Severity}/{(State.Urgent ? "urgent" : "normal")}";
            State.Kind = kind ?? State.Kind;
            State.Severity = severity ?? State.Severity;
            State.Urgent = urgent ?? State.Urgent;
            Record(actor, "Reclassified", $"{before} → {State.Kind}/{State.Severity}/{(State.Urgent ? "urgent" : "normal")}");
        });

    /// <summary>The project manager signs off the handling form.</summary>
    public Task<TicketState> SignOff(string actor, long? expectedVersion) =>
        Step(TicketStep.SignOff, actor, expectedVersion, () =>
        {
            State.SignOff = new SignOff(actor, Turn.Now);
            Record(actor, "Signed off", null);
        });

    public async Task Handle(HandOverTicket message)
    {
        if (!TicketWorkflow.IsOpen(State.Status) || State.Agent != message.FromAgent)
        {
            return; // already moved on, or closed meanwhile
        }

        ReassignTo(message.ToAgent, null, message.Reason, message.Actor ?? message.FromAgent);
        Replan(await LoadSettings());
    }

    public async Task Handle(ServiceLevelsChanged message)
    {
        if (TicketWorkflow.IsOpen(State.Status))
        {
            var settings = await LoadSettings();

            // A callback not yet due follows the new calendar and quiet hours, from the same start.
            if (State.NextCallback is { Announced: false } planned)
            {
                State.NextCallback = PlanCallback(settings, planned.Purpose, planned.Attempt);
            }

            Replan(settings);
        }
    }

    /// <summary>
    /// When a callback is due, from what it follows: an interim call from the promise at intake, the
    /// first 回访 from the notice to the customer, a retry from the unanswered attempt before it (a
    /// while later, never in quiet hours).
    /// </summary>
    private ScheduledCallback PlanCallback(ProjectSettings settings, CallbackPurpose purpose, int attempt)
    {
        var (calendar, policy) = (settings.Calendar, settings.ServiceLevels);
        var due = purpose switch
        {
            CallbackPurpose.Interim => CallbackSchedule.Promise(calendar, policy, State.ReceivedAt, State.Intake!.AnswerIsDifficult).InterimCallbackDue,
            CallbackPurpose.Feedback when attempt == 1 => CallbackSchedule.AfterNotice(calendar, policy, State.Notification!.At),
            CallbackPurpose.Feedback => CallbackSchedule.OutOfQuietHours(calendar, policy, calendar.AddWorkingTime(State.Callbacks[^1].At, CallbackRetryAfter)),
            _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "No callback is planned for this purpose."),
        };
        return new ScheduledCallback(due, attempt, purpose);
    }

    /// <summary>An unanswered callback is tried again after this much service time.</summary>
    public static readonly TimeSpan CallbackRetryAfter = TimeSpan.FromHours(2);

    private Task<TicketState> Step(TicketStep step, string actor, long? expectedVersion, Action apply) =>
        Step(step, actor, expectedVersion, _ => apply());

    private async Task<TicketState> Step(TicketStep step, string actor, long? expectedVersion, Action<ProjectSettings> apply)
    {
        if (!Exists || State.Number is null)
        {
            throw new KeyNotFoundException($"Ticket {Key} does not exist.");
        }

        if (expectedVersion is { } expected && expected != Version)
        {
            throw new StaleTicketException(expected, Version);
        }

        var allowed = TicketWorkflow.AllowedSteps(State.Status, State.Kind);
        if (!allowed.Contains(step))
        {
            throw new StepNotAllowedException(step, State.Status, allowed);
        }

        var settings = await LoadSettings();
        apply(settings);
        Replan(settings);
        return State;
    }

    private void MoveTo(TicketStatus to, string actor, string what, string? detail)
    {
        var from = State.Status;
        State.Status = to;
        State.Timeline.Add(new TimelineEntry(Turn.Now, actor, what, from, to, detail));
        if (from != to)
        {
            Publish(new TicketStatusChanged { FromStatus = from.ToString() }, actor);
        }
    }

    private void Record(string actor, string what, string? detail) =>
        State.Timeline.Add(new TimelineEntry(Turn.Now, actor, what, State.Status, State.Status, detail));

    private void Close(string actor, string resolution)
    {
        EndPause();
        Turn.Send<ProjectGrain>(State.Intake!.ProjectId, new TicketActivity(Key, TicketActivityKind.Closed, Turn.Now));
        State.ClosedAt = Turn.Now;
        State.Resolution = resolution;
        State.NextCallback = null;
        if (State.Agent is { } agent)
        {
            Turn.Send<AgentGrain>(agent, new ReleaseTicket(Key, State.Assignment));
        }

        MoveTo(TicketStatus.Closed, actor, "Closed", resolution);
        Publish(new TicketClosed { Resolution = resolution }, actor);
    }

    private void EscalateTo(string actor, string reason)
    {
        State.EscalationLevel++;
        Record(actor, "Escalated", reason);
        Publish(new TicketEscalated { Level = State.EscalationLevel, Reason = reason }, actor);
    }

    private void ReassignTo(string? toAgent, string? toDepartment, string reason, string actor)
    {
        var fromAgent = State.Agent;
        var fromDepartment = State.Department;
        State.Agent = toAgent ?? State.Agent;
        State.Department = toDepartment ?? State.Department;
        if (fromAgent != State.Agent)
        {
            // The agents' open lists follow the ticket.
            State.Assignment++;
            if (fromAgent is not null)
            {
                Turn.Send<AgentGrain>(fromAgent, new ReleaseTicket(Key, State.Assignment));
            }

            Turn.Send<AgentGrain>(State.Agent!, new TrackTicket(Key, State.Number!, State.Assignment));
        }

        Record(actor, "Reassigned", $"{fromAgent}/{fromDepartment} → {State.Agent}/{State.Department}: {reason}");
        Publish(new TicketReassigned { FromAgent = fromAgent, ToAgent = State.Agent, FromDepartment = fromDepartment, ToDepartment = State.Department, Reason = reason }, actor);
    }

    private void EndPause()
    {
        if (State.Pauses.Count > 0 && State.Pauses[^1].To is null)
        {
            State.Pauses[^1] = State.Pauses[^1] with { To = Turn.Now };
        }
    }

    /// <summary>Stamps the ticket's identity on an event and publishes it with the turn.</summary>
    private void Publish<TEvent>(TEvent @event, string actor) where TEvent : TicketEvent =>
        Turn.Publish(@event with
        {
            EventId = Guid.NewGuid(),
            ProjectId = State.Intake!.ProjectId,
            TicketId = Key,
            TicketNumber = State.Number ?? string.Empty,
            OccurredAt = Turn.Now,
            Actor = actor,
            Status = State.Status.ToString(),
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Ticket recorded by {Actor}: {Kind}, {Severity}, via {Channel}")]
    private static partial void LogRecorded(ILogger logger, string actor, TicketKind kind, Severity severity, Channel channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket's {Clock} breached (due {DueAt:u}): escalated to the supervisor")]
    private static partial void LogBreached(ILogger logger, SlaClock clock, DateTimeOffset dueAt);
}
