using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>
/// A hotline agent (坐席): who they are, their presence and how long they have been in it, their
/// delegate (代办人) and the tickets assigned to them. A break past the project's limit alerts the
/// supervisor (seed 002); going on leave or off shift hands the open tickets to the delegate, so
/// no ticket is lost (seed 000 §八.6).
/// </summary>
[GrainType("agent")]
public sealed class AgentGrain : HotlineGrain<AgentState>, IAgentGrain, IHandleReminders, IHandle<TrackTicket>, IHandle<ReleaseTicket>
{
    protected override IEnumerable<KeyValuePair<string, object?>> LogFields() => [new("AgentId", Key)];

    /// <summary>
    /// The live floor, one row per agent. A row has one scope, so an agent is listed under their
    /// home project (the first in the profile); a supervisor of several projects queries all
    /// their scopes, and the row carries every project the agent serves.
    /// </summary>
    public const string FloorModel = "agents";

    public const string BreakWatchReminder = "break-watch";

    /// <summary>The break limit when the home project is not configured (seed 002, SPEC §5).</summary>
    public static readonly TimeSpan DefaultBreakLimit = TimeSpan.FromMinutes(15);

    private const int PresenceLogKept = 200;

    /// <summary>Days of presence time kept: a year and a month, so last year's same month can be reported.</summary>
    private const int DaysKept = 400;
    private const int HandOversKept = 200;

    /// <summary>Released tickets whose last assignment is remembered; messages older than a few hundred closes are long delivered.</summary>
    private const int AssignmentsRemembered = 500;

    private bool Registered => State.Profile is not null;

    private bool Away => IsAbsent(State.Presence);

    public Task<bool> IsRegistered() => Task.FromResult(Registered);

    public Task<bool> IsAway() => Task.FromResult(Away);

    public Task<IReadOnlyList<PresenceChange>> GetPresenceLog() => Task.FromResult<IReadOnlyList<PresenceChange>>([.. State.PresenceLog]);

    public Task<IReadOnlyList<TicketHandOver>> GetHandOvers() => Task.FromResult<IReadOnlyList<TicketHandOver>>([.. State.HandOvers]);

    public Task<AgentView?> GetView(DateTimeOffset now) => Task.FromResult(State.Profile is null ? null : ViewAt(now));

    public async Task<IReadOnlyList<AgentDay>> GetDays(DateOnly from, DateOnly to, DateTimeOffset now)
    {
        var days = State.Days.Where(d => d.Date >= from && d.Date <= to).Select(d => d.Copy()).ToDictionary(d => d.Date);
        if (State.Profile is { } profile && State.Presence != Presence.Offline && now > State.PresenceSince)
        {
            // The current presence has not ended: count it up to now, in a copy.
            var calendar = await HomeCalendar(profile);
            foreach (var (date, time) in Split(calendar, State.PresenceSince, now).Where(p => p.Date >= from && p.Date <= to))
            {
                if (!days.TryGetValue(date, out var day))
                {
                    days[date] = day = new AgentDay { Date = date };
                }

                day.Add(State.Presence, time);
            }
        }

        return [.. days.Values.OrderBy(d => d.Date)];
    }

    /// <summary>Registers the agent, or replaces the profile of a registered one (presence and tickets stay).</summary>
    public Task<AgentView> Register(AgentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Validate() is { Count: > 0 } problems)
        {
            throw new AgentValidationException(problems);
        }

        if (State.Profile is null)
        {
            State.Presence = Presence.Offline;
            State.PresenceSince = Turn.Now;
        }

        var servedBefore = State.Profile?.Projects ?? [];
        State.Profile = profile;
        ProjectFloorRow(servedBefore);
        return Task.FromResult(ViewAt(Turn.Now));
    }

    /// <summary>
    /// Records a presence change and publishes it. Setting the presence the agent is already in
    /// changes nothing: the time in state keeps running.
    /// </summary>
    public async Task<AgentView> SetPresence(Presence to, string actor)
    {
        var profile = RequireProfile();
        if (!Enum.IsDefined(to))
        {
            throw new AgentValidationException([new("presence", $"One of {string.Join(", ", Enum.GetNames<Presence>())}.")]);
        }

        if (to == State.Presence)
        {
            return ViewAt(Turn.Now);
        }

        var from = State.Presence;
        var since = State.PresenceSince;
        var settings = await GrainFactory.GetGrain<IProjectGrain>(profile.HomeProject).GetSettings();
        var calendar = settings?.Calendar ?? ServiceCalendar.Default;
        // Time off shift is not kept: no report counts it, and an agent away for weeks would fill
        // the state with days of nothing.
        foreach (var (date, time) in from == Presence.Offline ? Enumerable.Empty<(DateOnly, TimeSpan)>() : Split(calendar, since, Turn.Now))
        {
            DayOf(date).Add(from, time);
        }

        if (to == Presence.Break)
        {
            DayOf(calendar.DateOf(Turn.Now)).Breaks++;
        }

        State.Presence = to;
        State.PresenceSince = Turn.Now;
        // A reader or writer on a node whose clock lags must not record a negative time in state.
        State.PresenceLog.Add(new PresenceChange(from, to, Turn.Now, Turn.Now > since ? Turn.Now - since : TimeSpan.Zero, actor));
        Trim(State.PresenceLog, PresenceLogKept);
        Turn.Publish(Stamp(new AgentPresenceChanged
        {
            AgentId = Key,
            WorkNumber = profile.WorkNumber,
            From = from.ToString(),
            To = to.ToString(),
            PreviousStateSince = since,
        }, actor));

        if (from == Presence.Break)
        {
            State.BreakWatch = null;
            Turn.CancelReminder(BreakWatchReminder);
        }

        if (to == Presence.Break)
        {
            var limit = settings?.BreakLimit ?? DefaultBreakLimit;
            State.BreakWatch = new BreakWatch(Turn.Now, limit, BreakDate: calendar.DateOf(Turn.Now));
            Turn.SetReminder(BreakWatchReminder, Turn.Now + limit);
        }

        // Without a delegate at work the tickets stay with the agent: the supervisor sees them on
        // the floor (open tickets of an agent on leave) and reassigns them by hand.
        if (Away && State.Delegate is { } delegateId && await CanTakeOver(delegateId))
        {
            HandOverAll(delegateId, HandOverReason(to, delegateId), actor);
        }

        ProjectFloorRow();
        return ViewAt(Turn.Now);
    }

    /// <summary>
    /// Sets the delegate (代办人), or clears it with null. An agent already on leave or off shift
    /// hands their open tickets over at once: that is what a supervisor setting a delegate for an
    /// absent agent wants.
    /// </summary>
    public async Task<AgentView> SetDelegate(string? delegateAgentId, string actor)
    {
        RequireProfile();
        var delegateId = string.IsNullOrEmpty(delegateAgentId) ? null : delegateAgentId;
        if (delegateId is not null)
        {
            var delegateView = delegateId == Key || string.IsNullOrWhiteSpace(delegateId) || delegateId.Length > 64 ? null
                : await GrainFactory.GetGrain<IAgentGrain>(delegateId).GetView(Turn.Now);
            var problem = delegateId == Key ? "An agent cannot be their own delegate."
                : string.IsNullOrWhiteSpace(delegateId) || delegateId.Length > 64 ? "1 to 64 characters."
                : delegateView is null ? $"No agent '{delegateId}' is registered."
                : NotServedBy(delegateView) is { Count: > 0 } missing ? $"Agent '{delegateId}' does not serve {string.Join(", ", missing)}: a delegate takes tickets of every project this agent serves."
                : null;
            if (problem is not null)
            {
                throw new AgentValidationException([new("delegate", problem)]);
            }
        }

        State.Delegate = delegateId;
        State.DelegateSetBy = actor;
        if (Away && delegateId is not null && await CanTakeOver(delegateId))
        {
            HandOverAll(delegateId, HandOverReason(State.Presence, delegateId), actor);
        }

        ProjectFloorRow();
        return ViewAt(Turn.Now);
    }

    public async Task Handle(TrackTicket message)
    {
        // A track of an assignment already tracked or released (the release overtook it) is old news.
        if (message.Assignment > 0 && State.Assignments.TryGetValue(message.TicketId, out var known) && message.Assignment <= known)
        {
            return;
        }

        Heard(message.TicketId, message.Assignment, released: false);
        if (State.OpenTickets.TryGetValue(message.TicketId, out var number) && number == message.TicketNumber)
        {
            return;
        }

        // A ticket given to an agent who is away goes straight on to the delegate, unless the
        // delegate is away too (passing it along a chain of absent agents, or round a pair who
        // delegate to each other, would help no customer) or no longer serves this agent's
        // projects: then it stays here for the supervisor.
        if (Registered && Away && State.Delegate is { } delegateId && await CanTakeOver(delegateId))
        {
            // Nobody acts here: the absent agent's standing arrangement moves the ticket on.
            HandOver(message.TicketId, message.TicketNumber, delegateId, HandOverReason(State.Presence, delegateId), Key);
            State.OpenTickets.Remove(message.TicketId);
        }
        else
        {
            State.OpenTickets[message.TicketId] = message.TicketNumber;
        }

        ProjectFloorRow();
    }

    public Task Handle(ReleaseTicket message)
    {
        // A release of an earlier assignment than the one tracked since changes nothing.
        if (message.Assignment > 0 && State.Assignments.TryGetValue(message.TicketId, out var known) && message.Assignment < known)
        {
            return Task.CompletedTask;
        }

        Heard(message.TicketId, message.Assignment, released: true);
        if (State.OpenTickets.Remove(message.TicketId))
        {
            ProjectFloorRow();
        }

        return Task.CompletedTask;
    }

    public Task ReceiveReminder(ReminderTick tick)
    {
        // Only the break that armed the reminder counts: one that ended (and perhaps a new one
        // that began) since has its own watch, or none.
        if (tick.Name != BreakWatchReminder
            || State.Profile is not { } profile
            || State.Presence != Presence.Break
            || State.BreakWatch is not { Alerted: false } watch
            || watch.OnBreakSince != State.PresenceSince)
        {
            return Task.CompletedTask;
        }

        State.BreakWatch = watch with { Alerted = true };
        if (watch.BreakDate is { } date)
        {
            DayOf(date).BreaksOverLimit++;
        }

        Turn.Publish(Stamp(new AgentBreakLimitExceeded
        {
            AgentId = Key,
            WorkNumber = profile.WorkNumber,
            OnBreakSince = watch.OnBreakSince,
            Limit = watch.Limit,
        }, "system:break-watch"));
        ProjectFloorRow();
        return Task.CompletedTask;
    }

    private void Heard(string ticketId, long assignment, bool released)
    {
        if (assignment <= 0)
        {
            return;
        }

        State.Assignments[ticketId] = assignment;
        State.Released.Remove(ticketId);
        if (released)
        {
            State.Released.Add(ticketId);
            if (State.Released.Count > AssignmentsRemembered)
            {
                State.Assignments.Remove(State.Released[0]);
                State.Released.RemoveAt(0);
            }
        }
    }

    private static bool IsAbsent(Presence presence) => presence is Presence.Leave or Presence.Offline;

    /// <summary>
    /// Whether the delegate takes the tickets over now: at work, and still serving every project
    /// of this agent. Profiles change after a delegate is named (the delegate moves to another
    /// project, this agent takes on one more), and a ticket handed to an agent outside its
    /// project would sit on a list whose owner gets 404 on it; it stays here for the supervisor.
    /// </summary>
    private async Task<bool> CanTakeOver(string delegateId) =>
        await GrainFactory.GetGrain<IAgentGrain>(delegateId).GetView(Turn.Now) is { } view
        && !IsAbsent(view.Presence)
        && NotServedBy(view).Count == 0;

    /// <summary>This agent's projects that <paramref name="delegateView"/> does not serve.</summary>
    private List<string> NotServedBy(AgentView delegateView) =>
        [.. State.Profile!.Projects.Where(p => !delegateView.Projects.Contains(p))];

    private async Task<ServiceCalendar> HomeCalendar(AgentProfile profile) =>
        (await GrainFactory.GetGrain<IProjectGrain>(profile.HomeProject).GetSettings())?.Calendar ?? ServiceCalendar.Default;

    /// <summary>The day's entry, made in date order if it is new; past the bound the oldest day goes (a day older than all kept is counted and not kept).</summary>
    private AgentDay DayOf(DateOnly date)
    {
        var index = State.Days.FindLastIndex(d => d.Date <= date);
        if (index >= 0 && State.Days[index].Date == date)
        {
            return State.Days[index];
        }

        var day = new AgentDay { Date = date };
        State.Days.Insert(index + 1, day);
        Trim(State.Days, DaysKept);
        return day;
    }

    /// <summary>The interval from <paramref name="start"/> to <paramref name="end"/> cut at the calendar's local midnights.</summary>
    private static IEnumerable<(DateOnly Date, TimeSpan Time)> Split(ServiceCalendar calendar, DateTimeOffset start, DateTimeOffset end)
    {
        // An agent never registered has no presence time (its presence has no start).
        if (start == default || end <= start)
        {
            yield break;
        }

        var date = calendar.DateOf(start);
        while (start < end)
        {
            var nextMidnight = calendar.StartOf(date.AddDays(1));
            var until = nextMidnight < end ? nextMidnight : end;
            yield return (date, until - start);
            start = until;
            date = date.AddDays(1);
        }
    }

    /// <param name="actor">Who sent the agent away or named the delegate: the tickets' timelines record them.</param>
    private void HandOverAll(string delegateId, string reason, string actor)
    {
        foreach (var (ticketId, number) in State.OpenTickets)
        {
            HandOver(ticketId, number, delegateId, reason, actor);
        }

        // The ticket decides: it moves to the delegate only if it is still open and still this
        // agent's, and then tells the delegate (TrackTicket). Either way it is no longer ours.
        State.OpenTickets.Clear();
    }

    private void HandOver(string ticketId, string number, string delegateId, string reason, string actor)
    {
        Turn.Send<TicketGrain>(ticketId, new HandOverTicket(Key, delegateId, reason, actor));
        State.HandOvers.Add(new TicketHandOver(ticketId, number, delegateId, Turn.Now, reason));
        Trim(State.HandOvers, HandOversKept);
    }

    private static string HandOverReason(Presence presence, string delegateId) =>
        $"{(presence == Presence.Leave ? "On leave" : "Off shift")}: handed over to the delegate (代办人) {delegateId}";

    /// <summary>
    /// Writes the agent's floor row and tells the board of every project the agent serves, and of
    /// those in <paramref name="servedBefore"/> (a profile change): a board whose project the row no
    /// longer names drops the agent.
    /// </summary>
    private void ProjectFloorRow(IEnumerable<string>? servedBefore = null)
    {
        if (State.Profile is not { } profile)
        {
            return;
        }

        var row = new AgentFloorRow(
            Key, profile.WorkNumber, profile.Name, profile.Projects, profile.Departments,
            State.Presence, State.PresenceSince, State.Delegate, State.OpenTickets.Count, OverBreakLimit);
        Turn.Project(FloorModel, profile.HomeProject, State.PresenceSince, row);
        foreach (var projectId in profile.Projects.Union(servedBefore ?? [], StringComparer.Ordinal))
        {
            Turn.Send<ProjectBoardGrain>(projectId, new BoardAgentChanged(Version + 1, row));
        }
    }

    private bool OverBreakLimit => State.Presence == Presence.Break && State.BreakWatch is { Alerted: true };

    private AgentView ViewAt(DateTimeOffset now)
    {
        var profile = State.Profile!;
        return new AgentView(
            Key, profile.WorkNumber, profile.Name, profile.Projects, profile.Departments,
            State.Presence, State.PresenceSince,
            // A reader on a node whose clock lags must not see a negative time in state.
            now > State.PresenceSince ? now - State.PresenceSince : TimeSpan.Zero,
            State.Delegate,
            [.. State.OpenTickets.Select(t => new AgentTicket(t.Key, t.Value)).OrderBy(t => t.TicketNumber, StringComparer.Ordinal)],
            OverBreakLimit);
    }

    private TEvent Stamp<TEvent>(TEvent @event, string actor) where TEvent : FloorEvent =>
        @event with
        {
            EventId = Guid.NewGuid(),
            ProjectId = State.Profile!.HomeProject,
            OccurredAt = Turn.Now,
            Actor = actor,
        };

    private AgentProfile RequireProfile() =>
        State.Profile ?? throw new KeyNotFoundException($"Agent {Key} is not registered.");

    private static void Trim<T>(List<T> list, int kept)
    {
        if (list.Count > kept)
        {
            list.RemoveRange(0, list.Count - kept);
        }
    }
}
