using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// The parts of a board that are the same arithmetic wherever a board is made (the board grain,
/// the reference reader): the call figures, the alerts, the order of the lists and the windows.
/// </summary>
public static class BoardFigures
{
    /// <summary>Open tickets older than this are not on the board; nobody keeps a complaint open for a quarter.</summary>
    public static readonly TimeSpan OpenWindow = TimeSpan.FromDays(90);

    /// <summary>Register rows read per query when a board is built from storage.</summary>
    public const int PageRows = 5000;

    /// <summary>
    /// At most this many register rows of the open window are read when a board is built from
    /// storage: ten times the open tickets of the largest operator the floor is measured for, so the
    /// board counts every open ticket, and still a bound on a board grain's activation.
    /// </summary>
    public const int MaxRows = 100_000;

    /// <summary>LineSilent alerts this recent are on the board.</summary>
    public static readonly TimeSpan SilenceAlertsShown = TimeSpan.FromHours(12);

    /// <summary>Open tickets by their next deadline (none last), then by receipt, then by id.</summary>
    public static IComparer<TicketOnBoard> OpenOrder { get; } = Comparer<TicketOnBoard>.Create((a, b) =>
    {
        var byDue = (a.NextDueAt ?? DateTimeOffset.MaxValue).CompareTo(b.NextDueAt ?? DateTimeOffset.MaxValue);
        if (byDue != 0)
        {
            return byDue;
        }

        var byReceipt = a.ReceivedAt.CompareTo(b.ReceivedAt);
        return byReceipt != 0 ? byReceipt : string.CompareOrdinal(a.TicketId, b.TicketId);
    });

    /// <summary>Agents by work number, then id.</summary>
    public static IComparer<AgentOnBoard> AgentOrder { get; } = Comparer<AgentOnBoard>.Create((a, b) =>
    {
        var byNumber = string.CompareOrdinal(a.WorkNumber, b.WorkNumber);
        return byNumber != 0 ? byNumber : string.CompareOrdinal(a.Id, b.Id);
    });

    public static AgentOnBoard Agent(AgentFloorRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Id, row.WorkNumber, row.Name, row.Presence.ToString(), row.Since, row.OverBreakLimit, row.OpenTickets);
    }

    public static CallBoard Calls(int waiting, DateTimeOffset? longestWaitingSince, DayStats day)
    {
        ArgumentNullException.ThrowIfNull(day);
        var reached = day.CallsAnswered + day.CallsAbandoned;
        return new CallBoard(
            waiting, longestWaitingSince, day.CallsOffered, day.CallsAnswered, day.CallsAbandoned,
            reached == 0 ? null : (double)day.CallsAnswered / reached,
            ProjectGrain.AnswerRateTarget,
            day.CallsOffered == 0 ? null : (double)day.CallsAnsweredInTime / day.CallsOffered);
    }

    /// <summary>Share of today's callbacks that found the customer satisfied; null before any.</summary>
    public static double? Satisfaction(DayStats day)
    {
        ArgumentNullException.ThrowIfNull(day);
        var callbacks = day.CallbacksSatisfied + day.CallbacksUnsatisfied;
        return callbacks == 0 ? null : (double)day.CallbacksSatisfied / callbacks;
    }

    /// <summary>The open tickets counted, in one pass: by status and severity, at risk, breached, callbacks due.</summary>
    public static OpenTicketCounts Counts(IReadOnlyCollection<TicketOnBoard> open, int alerts)
    {
        ArgumentNullException.ThrowIfNull(open);
        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bySeverity = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int atRisk = 0, breached = 0, callbacks = 0;
        DateTimeOffset? nextCallback = null;
        foreach (var ticket in open)
        {
            byStatus[ticket.Status] = byStatus.GetValueOrDefault(ticket.Status) + 1;
            bySeverity[ticket.Severity] = bySeverity.GetValueOrDefault(ticket.Severity) + 1;
            atRisk += ticket.SlaState == "AtRisk" ? 1 : 0;
            breached += ticket.SlaState is "Breached" or "Missed" ? 1 : 0;
            if (ticket.CallbackDueAt is { } due)
            {
                callbacks++;
                nextCallback = nextCallback is { } earliest && earliest <= due ? earliest : due;
            }
        }

        return new OpenTicketCounts(open.Count, byStatus, bySeverity, atRisk, breached, callbacks, nextCallback, alerts);
    }

    /// <summary>Breached tickets (in board order), LineSilent alerts and breaks past the limit, newest first.</summary>
    public static IReadOnlyList<BoardAlert> Alerts(
        IEnumerable<TicketOnBoard> open, IEnumerable<DateTimeOffset> silenceAlerts, IEnumerable<AgentOnBoard> agents)
    {
        var alerts = new List<BoardAlert>();
        alerts.AddRange(open.Where(t => t.SlaState == "Breached")
            .Select(t => new BoardAlert("SlaBreached", t.NextDueAt ?? t.ReceivedAt, $"{t.Number} 超时 past its deadline", TicketId: t.TicketId)));
        alerts.AddRange(silenceAlerts.Select(at => new BoardAlert("LineSilent", at, "热线无来电 no inbound call: test-dial the line")));
        alerts.AddRange(agents.Where(a => a.OverBreakLimit)
            .Select(a => new BoardAlert("BreakLimit", a.Since, $"{a.WorkNumber} {a.Name} 小休超时 on break past the limit", AgentId: a.Id)));
        return [.. alerts.OrderByDescending(a => a.At)];
    }
}
