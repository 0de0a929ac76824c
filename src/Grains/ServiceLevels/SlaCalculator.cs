using HotlineGrains.Grains.Calendars;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>
/// Pure SLA arithmetic (SPEC §4.1): from the calendar, the policy and a ticket's facts, where each
/// clock stands at "now" and what happens next. Nothing is stored; call it again after any change.
/// </summary>
/// <remarks>
/// A clock counts working time from <see cref="TicketClockFacts.ReceivedAt"/> (outside service
/// hours: from the next opening) except while the ticket waits on the customer. Its due instant is
/// where the counted working time reaches the budget, so a pause moves it later by exactly the
/// working time spent paused; the at-risk instant is the same with the at-risk share of the budget.
/// A clock satisfied at its due instant is met; a clock still unsatisfied at its due instant is
/// missed (breached for the deadline), so a reminder firing exactly then sees the new state.
/// </remarks>
public static class SlaCalculator
{
    /// <summary>
    /// The budgets a ticket's clocks get: the policy row for its kind (and severity), then the urgent
    /// rule (first reply at most the urgent first reply, target times the factor, deadline at most
    /// the cap, only for clocks the kind has), days converted with the calendar's standard day.
    /// A target never falls after the deadline: it is cut to the deadline if it would.
    /// </summary>
    public static SlaBudgets Budgets(ServiceCalendar calendar, SlaPolicy policy, TicketKind kind, Severity severity, bool urgent)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        var row = policy.BudgetsFor(kind, severity);
        var firstReply = row.FirstReply?.ToWorkingTime(calendar);
        var target = row.Target?.ToWorkingTime(calendar);
        var deadline = row.Deadline?.ToWorkingTime(calendar);

        if (urgent)
        {
            var rule = policy.Urgent;
            if (firstReply is { } reply && rule.FirstReply?.ToWorkingTime(calendar) is { } urgentReply && urgentReply < reply)
            {
                firstReply = urgentReply;
            }

            if (target is { } full)
            {
                target = Scale(full, rule.TargetFactor);
            }

            if (deadline is { } longest && rule.DeadlineCap?.ToWorkingTime(calendar) is { } cap && cap < longest)
            {
                deadline = cap;
            }
        }

        if (target > deadline)
        {
            target = deadline;
        }

        return new(firstReply, target, deadline);
    }

    /// <summary>Where the ticket's clocks stand at <paramref name="now"/>, and their upcoming events (strictly after now).</summary>
    /// <exception cref="ArgumentException">A pause ends before it starts.</exception>
    /// <exception cref="ServiceCalendarException">The calendar cannot be computed on.</exception>
    public static SlaStatus Compute(ServiceCalendar calendar, SlaPolicy policy, TicketClockFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);

        var budgets = Budgets(calendar, policy, facts.Kind, facts.Severity, facts.Urgent);
        var pauses = Merge(facts.Pauses, facts.ReceivedAt);
        var fraction = policy.AtRiskFraction;

        // Resolving the ticket answers the customer too: a first reply not recorded before stops then.
        var repliedAt = Earliest(facts.FirstRepliedAt, facts.ResolvedAt);
        var clock = new Clock(calendar, facts.ReceivedAt, pauses, fraction, now);
        var firstReply = budgets.FirstReply is { } f ? clock.Status(SlaClock.FirstReply, f, repliedAt) : null;
        var target = budgets.Target is { } t ? clock.Status(SlaClock.Target, t, facts.ResolvedAt) : null;
        var deadline = budgets.Deadline is { } d ? clock.Status(SlaClock.Deadline, d, facts.ResolvedAt) : null;

        var events = new List<SlaEvent>();
        foreach (var status in new[] { firstReply, target, deadline })
        {
            if (status is null || status.SatisfiedAt is not null)
            {
                continue;
            }

            if (status.AtRiskAt is { } risk && risk > now)
            {
                events.Add(new(status.Clock, SlaEventKind.AtRisk, risk));
            }

            if (status.DueAt is { } due && due > now)
            {
                events.Add(new(status.Clock, DueEvent(status.Clock), due));
            }
        }

        return new(firstReply, target, deadline,
            [.. events.OrderBy(e => e.At).ThenBy(e => e.Clock).ThenBy(e => e.Kind)]);
    }

    /// <summary>
    /// The instant at which <paramref name="budget"/> of working time has been counted from
    /// <paramref name="start"/>, not counting <paramref name="pauses"/>; null if the budget is
    /// not used up before a pause that is still open.
    /// </summary>
    public static DateTimeOffset? DueAfter(ServiceCalendar calendar, DateTimeOffset start, TimeSpan budget, IReadOnlyList<PauseInterval> pauses)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(pauses);
        return DueAfter(calendar, start, budget, Merge(pauses, start));
    }

    /// <summary>Working time counted on a clock started at <paramref name="start"/> up to <paramref name="until"/>, pauses excluded.</summary>
    public static TimeSpan CountedWorkingTime(ServiceCalendar calendar, DateTimeOffset start, DateTimeOffset until, IReadOnlyList<PauseInterval> pauses)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(pauses);
        return Counted(calendar, start, until, Merge(pauses, start));
    }

    private static SlaEventKind DueEvent(SlaClock clock) => clock switch
    {
        SlaClock.FirstReply => SlaEventKind.FirstReplyDue,
        SlaClock.Target => SlaEventKind.TargetMissed,
        _ => SlaEventKind.Breached,
    };

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary><paramref name="budget"/> × <paramref name="fraction"/>, in decimal so 0.8 of 2 hours is exactly 96 minutes.</summary>
    internal static TimeSpan Scale(TimeSpan budget, double fraction) =>
        TimeSpan.FromTicks((long)Math.Round(budget.Ticks * (decimal)fraction, MidpointRounding.AwayFromZero));

    /// <summary>Sorted, overlapping or touching pauses joined, clipped to start at <paramref name="start"/>; an open pause absorbs everything after it.</summary>
    private static List<PauseInterval> Merge(IReadOnlyList<PauseInterval> pauses, DateTimeOffset start)
    {
        var merged = new List<PauseInterval>();
        foreach (var pause in pauses.OrderBy(p => p.From))
        {
            if (pause.Until is { } until && until < pause.From)
            {
                throw new ArgumentException($"A pause ends ({until:O}) before it starts ({pause.From:O}).", nameof(pauses));
            }

            if (pause.Until is { } end && end <= start)
            {
                continue;
            }

            var clipped = pause with { From = pause.From < start ? start : pause.From };
            if (merged.Count > 0 && (merged[^1].Until is null || merged[^1].Until >= clipped.From))
            {
                var last = merged[^1];
                merged[^1] = last with
                {
                    Until = last.Until is null || clipped.Until is null ? null : last.Until > clipped.Until ? last.Until : clipped.Until,
                };
            }
            else
            {
                merged.Add(clipped);
            }
        }

        return merged;
    }

    private static DateTimeOffset? DueAfter(ServiceCalendar calendar, DateTimeOffset start, TimeSpan budget, List<PauseInterval> pauses)
    {
        var cursor = start;
        var remaining = budget;
        foreach (var pause in pauses)
        {
            if (pause.From > cursor)
            {
                var counted = calendar.WorkingTimeBetween(cursor, pause.From);
                if (counted >= remaining)
                {
                    return calendar.AddWorkingTime(cursor, remaining);
                }

                remaining -= counted;
            }

            if (pause.Until is not { } until)
            {
                return null;
            }

            cursor = until > cursor ? until : cursor;
        }

        return calendar.AddWorkingTime(cursor, remaining);
    }

    private static TimeSpan Counted(ServiceCalendar calendar, DateTimeOffset start, DateTimeOffset until, List<PauseInterval> pauses)
    {
        if (until <= start)
        {
            return TimeSpan.Zero;
        }

        var counted = calendar.WorkingTimeBetween(start, until);
        foreach (var pause in pauses)
        {
            if (pause.From >= until)
            {
                break;
            }

            var end = pause.Until is { } u && u < until ? u : until;
            counted -= calendar.WorkingTimeBetween(pause.From, end);
        }

        return counted;
    }

    /// <summary>The shared facts of one computation.</summary>
    private sealed class Clock(ServiceCalendar calendar, DateTimeOffset receivedAt, List<PauseInterval> pauses, double fraction, DateTimeOffset now)
    {
        private readonly DateTimeOffset startedAt = calendar.NextOpening(receivedAt);

        private bool PausedNow => pauses.Exists(p => p.From <= now && (p.Until is null || now < p.Until));

        public ClockStatus Status(SlaClock clock, TimeSpan budget, DateTimeOffset? satisfiedAt)
        {
            var due = DueAfter(calendar, receivedAt, budget, pauses);
            var atRisk = DueAfter(calendar, receivedAt, Scale(budget, fraction), pauses);
            var asOf = satisfiedAt is { } s && s < now ? s : now;
            var remaining = budget - Counted(calendar, receivedAt, asOf, pauses);
            var late = clock == SlaClock.Deadline ? ClockState.Breached : ClockState.Missed;

            var state = satisfiedAt is { } satisfied
                ? due is { } d1 && satisfied > d1 ? late : ClockState.Met
                : due is { } d2 && now >= d2 ? late
                : PausedNow ? ClockState.Paused
                : atRisk is { } r && now >= r ? ClockState.AtRisk
                : ClockState.Running;

            return new(clock, budget, startedAt.ToUniversalTime(), due?.ToUniversalTime(), atRisk?.ToUniversalTime(), state, remaining, satisfiedAt?.ToUniversalTime());
        }
    }
}
