using System.Globalization;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Projects;

/// <summary>
/// A managed property. Owns the project's configuration, its ticket number sequence
/// (<c>{PREFIX}-{yyyyMMdd}-{seq:0000}</c> per service day, never handed out twice and never
/// skipped), the floor's call counters, the line watch and the end-of-day summary.
/// </summary>
[GrainType("project")]
public sealed class ProjectGrain(IOpenTicketIds openTickets) : HotlineGrain<ProjectState>, IProjectGrain, IHandleReminders, IHandle<TicketActivity>
{
    protected override IEnumerable<KeyValuePair<string, object?>> LogFields() => [new("ProjectId", Key)];

    /// <summary>The read model listing every project (one scope: they are few).</summary>
    public const string ProjectsModel = "projects";
    public const string ProjectsScope = "all";

    public const string LineWatchReminder = "line-watch";
    public const string DailySummaryReminder = "daily-summary";
    public const string MonthlyReportReminder = "monthly-report";

    /// <summary>Two rings: a call answered within this counts toward the service level.</summary>
    public static readonly TimeSpan AnswerTarget = TimeSpan.FromSeconds(3);

    /// <summary>The answer rate the floor must keep above, per day (接通率).</summary>
    public const double AnswerRateTarget = 0.85;

    /// <summary>Service days whose counters are kept: a little over a year, so reports over any month of it read them (issue 12).</summary>
    private const int DaysKept = 400;
    private const int SummariesKept = 400;
    private const int MonthsKept = 36;

    public Task<ProjectSettings?> GetSettings() => Task.FromResult(State.Settings);

    public Task<IReadOnlyList<FaultRecord>> GetFaults() => Task.FromResult<IReadOnlyList<FaultRecord>>([.. State.Faults]);

    public Task<DailySummary?> GetSummary(DateOnly date) => Task.FromResult(State.Summaries.LastOrDefault(s => s.Date == date));

    public Task<IReadOnlyList<DayStats>> GetDays(DateOnly from, DateOnly to) => Task.FromResult<IReadOnlyList<DayStats>>(
        [.. State.Days.Where(d => d.Date >= from && d.Date <= to).Select(d => d.Copy())]);

    public Task<IReadOnlyDictionary<string, int>> GetCallsAnsweredByAgent(DateOnly from, DateOnly to) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(State.AnsweredBy
            .Where(d => d.Key >= from && d.Key <= to)
            .SelectMany(d => d.Value)
            .GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Value), StringComparer.Ordinal));

    public Task<ProjectFloor> GetFloor(DateTimeOffset now) => Task.FromResult(new ProjectFloor(
        State.Ringing.Count,
        State.Ringing.Count == 0 ? null : State.Ringing.Values.Min(),
        Today(now).Copy(),
        [.. State.SilenceAlerts.Where(a => a > now - BoardFigures.SilenceAlertsShown)]));

    /// <summary>Today's counters so far (project time), for the floor.</summary>
    private DayStats Today(DateTimeOffset now) =>
        State.Days.LastOrDefault(d => State.Settings is { } s && d.Date == LocalDate(s, now)) ?? new DayStats { Date = State.Settings is { } t ? LocalDate(t, now) : default };

    /// <summary>Sets the configuration (validated by the caller); open tickets recompute their clocks if the calendar or SLA policy changed.</summary>
    public async Task<ProjectSettings> Configure(ProjectSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Validate() is { Count: > 0 } problems)
        {
            throw new ProjectSettingsException(problems);
        }

        var before = State.Settings;
        State.Settings = settings;
        Turn.Project(ProjectsModel, ProjectsScope, Turn.Now, new ProjectListItem(Key, settings.Name, settings.TicketPrefix, settings.TimeZone));
        if (before is not null && (before.Calendar != settings.Calendar || before.ServiceLevels != settings.ServiceLevels))
        {
            // The open tickets as stored, and those numbered whose intake is not stored yet: a
            // ticket's intake reads the settings after it is numbered, so none is missed.
            var stored = await openTickets.OfProjectAsync(Key, CancellationToken.None);
            foreach (var ticket in stored.Union(State.NumbersInFlight.Keys, StringComparer.Ordinal))
            {
                Turn.Send<TicketGrain>(ticket, new ServiceLevelsChanged());
            }
        }

        if (before?.Calendar != settings.Calendar || before?.LineSilenceAlert != settings.LineSilenceAlert)
        {
            ArmLineWatch(State.LastInboundCallAt is { } last && last > Turn.Now - TimeSpan.FromDays(1) ? last : Turn.Now);
            ArmDailySummary(Turn.Now);
            ArmMonthlyReport(LocalDate(settings, Turn.Now));
        }

        TellBoard(settings);
        return settings;
    }

    public Task<string> IssueTicketNumber(string ticketId, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(ticketId);
        if (!State.NumbersInFlight.TryGetValue(ticketId, out var number))
        {
            number = NextNumber(ticketId, actor);
            State.NumbersInFlight.Add(ticketId, number);
        }

        return Task.FromResult(number);
    }

    public Task Handle(TicketActivity message)
    {
        if (message.Kind == TicketActivityKind.Recorded)
        {
            State.NumbersInFlight.Remove(message.TicketId);
            return Task.CompletedTask;
        }

        var day = DayOf(message.At);
        switch (message.Kind)
        {
            case TicketActivityKind.Closed:
                State.NumbersInFlight.Remove(message.TicketId);
                day.TicketsClosed++;
                break;
            case TicketActivityKind.Breached:
                day.SlaBreaches++;
                break;
            case TicketActivityKind.CallbackSatisfied:
                day.CallbacksSatisfied++;
                break;
            case TicketActivityKind.CallbackUnsatisfied:
                day.CallbacksUnsatisfied++;
                break;
            case TicketActivityKind.CallbackUnreachable:
                day.CallbacksUnreachable++;
                break;
        }

        TellBoard();
        return Task.CompletedTask;
    }

    /// <summary>A call event from the phone switch: feeds the answer rate, the service level and the line watch.</summary>
    public Task RecordCall(CallEvent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var day = DayOf(call.At);
        switch (call.Kind)
        {
            case CallEventKind.Ringing:
                if (State.Ringing.TryAdd(call.CallId, call.At))
                {
                    day.CallsOffered++;
                    if (State.LastInboundCallAt is not { } last || call.At > last)
                    {
                        State.LastInboundCallAt = call.At;
                        ArmLineWatch(call.At);
                    }
                }

                break;
            case CallEventKind.Answered when State.Ringing.Remove(call.CallId, out var ringingSince):
                day.CallsAnswered++;
                if (!string.IsNullOrEmpty(call.Agent))
                {
                    var answered = State.AnsweredBy.TryGetValue(day.Date, out var byAgent) ? byAgent : State.AnsweredBy[day.Date] = new(StringComparer.Ordinal);
                    answered[call.Agent] = answered.GetValueOrDefault(call.Agent) + 1;
                }

                day.LongestWait = Max(day.LongestWait, call.At - ringingSince);
                if (call.At - ringingSince <= AnswerTarget)
                {
                    day.CallsAnsweredInTime++;
                }

                break;
            case CallEventKind.Abandoned when State.Ringing.Remove(call.CallId, out var abandonedSince):
                day.CallsAbandoned++;
                day.LongestWait = Max(day.LongestWait, call.At - abandonedSince);
                break;
        }

        // A switch that never reports the end of a ring must not grow the state for ever.
        foreach (var stale in State.Ringing.Where(r => r.Value < call.At - TimeSpan.FromHours(1)).Select(r => r.Key).ToList())
        {
            State.Ringing.Remove(stale);
        }

        Turn.Publish(new CallEventRecorded
        {
            EventId = Guid.NewGuid(),
            ProjectId = Key,
            OccurredAt = Turn.Now,
            Actor = "system:switch",
            CallId = call.CallId,
            Event = call.Kind.ToString(),
            At = call.At,
            Agent = call.Agent,
        });
        TellBoard();
        return Task.CompletedTask;
    }

    /// <summary>故障记录: records a line fault (cause, start, and end once known).</summary>
    public Task<FaultRecord> RecordFault(string cause, DateTimeOffset start, DateTimeOffset? end, string actor)
    {
        RequireSettings();
        var fault = new FaultRecord(
            string.Create(CultureInfo.InvariantCulture, $"F{State.Faults.Count + 1:0000}"), cause, start, end, actor);
        State.Faults.Add(fault);
        return Task.FromResult(fault);
    }

    public Task<FaultRecord?> EndFault(string faultId, DateTimeOffset end)
    {
        var index = State.Faults.FindIndex(f => f.Id == faultId);
        if (index < 0)
        {
            return Task.FromResult<FaultRecord?>(null);
        }

        State.Faults[index] = State.Faults[index] with { End = end };
        return Task.FromResult<FaultRecord?>(State.Faults[index]);
    }

    public Task ReceiveReminder(ReminderTick tick)
    {
        if (State.Settings is not { } settings)
        {
            return Task.CompletedTask;
        }

        switch (tick.Name)
        {
            case LineWatchReminder:
                var quietSince = State.LastInboundCallAt ?? tick.DueAt - settings.LineSilenceAlert;
                State.SilenceAlerts.Add(Turn.Now);
                if (State.SilenceAlerts.Count > 100)
                {
                    State.SilenceAlerts.RemoveAt(0);
                }

                Turn.Publish(new LineSilent
                {
                    EventId = Guid.NewGuid(),
                    ProjectId = Key,
                    OccurredAt = Turn.Now,
                    Actor = "system:line-watch",
                    LastCallAt = quietSince,
                    SilentFor = settings.Calendar.WorkingTimeBetween(quietSince, Turn.Now),
                });
                ArmLineWatch(Turn.Now);
                TellBoard();
                break;
            case DailySummaryReminder:
                var date = LocalDate(settings, tick.DueAt - TimeSpan.FromSeconds(1));
                ProduceSummary(settings, date);
                ArmDailySummary(Turn.Now);
                // Projects configured before month ends existed get theirs here. Armed for the month of the
                // day summarised, not of now: a summary fired late must not move an unreported month's end on.
                ArmMonthlyReport(date);
                break;
            case MonthlyReportReminder:
                var last = LocalDate(settings, tick.DueAt - TimeSpan.FromSeconds(1));
                ProduceMonth(new DateOnly(last.Year, last.Month, 1));
                ArmMonthlyReport(new DateOnly(last.Year, last.Month, 1).AddMonths(1));
                break;
        }

        return Task.CompletedTask;
    }

    private void ProduceSummary(ProjectSettings settings, DateOnly date)
    {
        if (State.Summaries.Any(s => s.Date == date))
        {
            return; // a repeated firing changes nothing
        }

        var day = State.Days.FirstOrDefault(d => d.Date == date) ?? new DayStats { Date = date };
        var reached = day.CallsAnswered + day.CallsAbandoned;
        double? answerRate = reached == 0 ? null : (double)day.CallsAnswered / reached;
        var callbacks = day.CallbacksSatisfied + day.CallbacksUnsatisfied;
        var summary = new DailySummary(
            date, Turn.Now, day.TicketsReceived, day.TicketsClosed, day.SlaBreaches,
            day.CallsOffered, day.CallsAnswered, day.CallsAbandoned,
            answerRate, answerRate is null or > AnswerRateTarget,
            day.CallsOffered == 0 ? null : (double)day.CallsAnsweredInTime / day.CallsOffered,
            day.CallbacksSatisfied, day.CallbacksUnsatisfied, day.CallbacksUnreachable,
            callbacks == 0 ? null : (double)day.CallbacksSatisfied / callbacks,
            State.SilenceAlerts.Count(a => LocalDate(settings, a) == date),
            State.Faults.Count(f => LocalDate(settings, f.Start) == date));
        State.Summaries.Add(summary);
        if (State.Summaries.Count > SummariesKept)
        {
            State.Summaries.RemoveAt(0);
        }

        Turn.Publish(new DailySummaryReady
        {
            EventId = Guid.NewGuid(),
            ProjectId = Key,
            OccurredAt = Turn.Now,
            Actor = "system:daily-summary",
            ServiceDate = date,
            TicketsReceived = summary.TicketsReceived,
            TicketsClosed = summary.TicketsClosed,
            CallsOffered = summary.CallsOffered,
            CallsAnswered = summary.CallsAnswered,
            CallsAbandoned = summary.CallsAbandoned,
        });
    }

    public Task<MonthlyFigures?> GetMonth(DateOnly firstDay) =>
        Task.FromResult(State.Months.LastOrDefault(m => m.Month == MonthKey(firstDay)));

    /// <summary>Adds the closed month's day counters up once (a repeated firing changes nothing), stores and announces them.</summary>
    private void ProduceMonth(DateOnly first)
    {
        var month = MonthKey(first);
        if (State.Months.Any(m => m.Month == month))
        {
            return;
        }

        var days = State.Days.Where(d => d.Date.Year == first.Year && d.Date.Month == first.Month).ToList();
        var answered = days.Sum(d => d.CallsAnswered);
        var abandoned = days.Sum(d => d.CallsAbandoned);
        var figures = new MonthlyFigures(
            month, Turn.Now, days.Sum(d => d.TicketsReceived), days.Sum(d => d.TicketsClosed), days.Sum(d => d.SlaBreaches),
            days.Sum(d => d.CallsOffered), days.Sum(d => d.CallsAnsweredInTime), answered, abandoned,
            answered + abandoned == 0 ? null : (double)answered / (answered + abandoned),
            days.Sum(d => d.CallbacksSatisfied), days.Sum(d => d.CallbacksUnsatisfied), days.Sum(d => d.CallbacksUnreachable));
        State.Months.Add(figures);
        if (State.Months.Count > MonthsKept)
        {
            State.Months.RemoveAt(0);
        }

        Turn.Publish(new MonthlyReportReady
        {
            EventId = Guid.NewGuid(),
            ProjectId = Key,
            OccurredAt = Turn.Now,
            Actor = "system:monthly-report",
            Month = month,
            TicketsReceived = figures.TicketsReceived,
            TicketsClosed = figures.TicketsClosed,
            SlaBreaches = figures.SlaBreaches,
            CallsOffered = figures.CallsOffered,
            CallsAnswered = figures.CallsAnswered,
            CallsAbandoned = figures.CallsAbandoned,
            AnswerRate = figures.AnswerRate,
        });
    }

    /// <summary>The month of <paramref name="day"/> is reported when it ends: midnight starting the next month, project time.</summary>
    private void ArmMonthlyReport(DateOnly day) =>
        Turn.SetReminder(MonthlyReportReminder, RequireSettings().Calendar.StartOf(new DateOnly(day.Year, day.Month, 1).AddMonths(1)));

    private static string MonthKey(DateOnly first) => first.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The line is silent once this much service time passes without an inbound call.</summary>
    private void ArmLineWatch(DateTimeOffset lastCall)
    {
        var settings = RequireSettings();
        Turn.SetReminder(LineWatchReminder, settings.Calendar.AddWorkingTime(lastCall, settings.LineSilenceAlert));
    }

    /// <summary>The summary is due when the last service period of the current (or next) service day ends.</summary>
    private void ArmDailySummary(DateTimeOffset after)
    {
        var calendar = RequireSettings().Calendar;
        var date = calendar.LocalDateOf(after);
        for (var i = 0; i <= ServiceCalendar.MaxClosedDays; i++)
        {
            var hours = calendar.ServiceHoursOn(date.AddDays(i));
            if (hours.Count > 0 && hours[^1].End > after)
            {
                Turn.SetReminder(DailySummaryReminder, hours[^1].End);
                return;
            }
        }
    }

    /// <summary>
    /// Tells the project's board of the line as this turn leaves it: calls ringing, the counters
    /// from yesterday on (project time), the alerts in the board's window, and the settings when
    /// they changed. Stored with the turn, so the board hears of it even if this silo dies.
    /// </summary>
    private void TellBoard(ProjectSettings? changedSettings = null)
    {
        var settings = RequireSettings();
        var yesterday = LocalDate(settings, Turn.Now).AddDays(-1);
        Turn.Send<ProjectBoardGrain>(Key, new BoardLineChanged(
            Version + 1,
            State.Ringing.Count,
            State.Ringing.Count == 0 ? null : State.Ringing.Values.Min(),
            [.. State.Days.Where(d => d.Date >= yesterday).Select(d => d.Copy())],
            [.. State.SilenceAlerts.Where(a => a > Turn.Now - BoardFigures.SilenceAlertsShown)],
            changedSettings));
    }

    private string NextNumber(string ticketId, string actor)
    {
        var settings = RequireSettings();
        var today = LocalDate(settings, Turn.Now);

        // A node whose clock lags could see yesterday just after midnight; the sequence never goes
        // back a day, or it would hand out yesterday's numbers again.
        if (State.SequenceDate is not { } current || today > current)
        {
            State.SequenceDate = today;
            State.LastSequence = 0;
        }

        State.LastSequence++;
        DayOf(Turn.Now).TicketsReceived++;
        var day = State.SequenceDate.Value;
        var number = string.Create(CultureInfo.InvariantCulture, $"{settings.TicketPrefix}-{day:yyyyMMdd}-{State.LastSequence:0000}");
        Turn.Publish(new TicketNumberIssued(Guid.NewGuid(), Key, Turn.Now, actor, ticketId, number, day, State.LastSequence));
        return number;
    }

    private DayStats DayOf(DateTimeOffset at)
    {
        var date = LocalDate(RequireSettings(), at);
        var day = State.Days.FirstOrDefault(d => d.Date == date);
        if (day is null)
        {
            day = new DayStats { Date = date };
            State.Days.Add(day);
            State.Days.Sort((a, b) => a.Date.CompareTo(b.Date));
            if (State.Days.Count > DaysKept)
            {
                State.AnsweredBy.Remove(State.Days[0].Date);
                State.Days.RemoveAt(0);
            }
        }

        return day;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateOnly LocalDate(ProjectSettings settings, DateTimeOffset at) =>
        settings.Calendar.LocalDateOf(at);

    private ProjectSettings RequireSettings() =>
        State.Settings ?? throw new InvalidOperationException($"Project {Key} is not configured.");
}
