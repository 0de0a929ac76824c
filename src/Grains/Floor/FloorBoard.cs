using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// A project's board kept in memory and changed one source at a time: a ticket's board row, an
/// agent's floor row, the project's line. Nothing is scanned per change: the open tickets are a
/// sorted set in board order, resolutions and closures are indexed by instant, agents by id.
/// What depends on the time (today's counts at the project's midnight, the alert window, the
/// 90-day window) is kept as instants and worked out when a board is built (<see cref="Build"/>).
/// </summary>
public sealed class FloorBoard
{
    private static readonly IComparer<(DateTimeOffset At, string Id)> ByInstant = Comparer<(DateTimeOffset At, string Id)>.Create((a, b) =>
    {
        var byAt = a.At.CompareTo(b.At);
        return byAt != 0 ? byAt : string.CompareOrdinal(a.Id, b.Id);
    });

    private readonly Dictionary<string, Kept> tickets = new(StringComparer.Ordinal);
    private readonly SortedSet<TicketOnBoard> open = new(BoardFigures.OpenOrder);
    private readonly SortedSet<(DateTimeOffset At, string Id)> resolved = new(ByInstant);
    private readonly SortedSet<(DateTimeOffset At, string Id)> closed = new(ByInstant);
    private readonly Dictionary<string, (AgentOnBoard Agent, long Version)> agents = new(StringComparer.Ordinal);
    private Line line;

    private FloorBoard(string projectId, ProjectSettings settings, Line line)
    {
        ProjectId = projectId;
        Settings = settings;
        this.line = line;
    }

    public string ProjectId { get; }

    public ProjectSettings Settings { get; private set; }

    /// <summary>Tickets the board knows (open or not), for the tests and the metrics.</summary>
    public int TicketCount => tickets.Count;

    /// <summary>A board as storage has it: the sources' versions are unknown, so any message is newer.</summary>
    public static FloorBoard From(string projectId, BoardSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var floor = sources.Floor;
        var board = new FloorBoard(projectId, sources.Settings, new Line(
            0, floor.CallsWaiting, floor.LongestWaitingSince, [floor.Today], [.. floor.RecentSilenceAlerts]));
        foreach (var row in sources.Register)
        {
            board.Apply(BoardTicketChanged.From(row, 0));
        }

        foreach (var agent in sources.Agents)
        {
            board.Apply(new BoardAgentChanged(0, agent));
        }

        return board;
    }

    /// <summary>Takes a ticket's new row; false when the board has it already or a later one.</summary>
    public bool Apply(BoardTicketChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var ticket = change.Ticket;
        if (tickets.TryGetValue(ticket.TicketId, out var before))
        {
            if (change.Version != 0 && change.Version <= before.Version)
            {
                return false;
            }

            if (TicketOnBoard.IsOpenStatus(before.Ticket.Status))
            {
                open.Remove(before.Ticket);
            }

            Unindex(resolved, before.ResolvedAt, ticket.TicketId);
            Unindex(closed, before.ClosedAt, ticket.TicketId);
        }

        tickets[ticket.TicketId] = new Kept(ticket, change.ResolvedAt, change.ClosedAt, change.Version);
        if (TicketOnBoard.IsOpenStatus(ticket.Status))
        {
            open.Add(ticket);
        }

        Index(resolved, change.ResolvedAt, ticket.TicketId);
        Index(closed, change.ClosedAt, ticket.TicketId);
        return true;
    }

    /// <summary>Takes an agent's new floor row: on the board if it serves this project, off it if not.</summary>
    public bool Apply(BoardAgentChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var row = change.Agent;
        if (agents.TryGetValue(row.Id, out var before) && change.Version != 0 && change.Version <= before.Version)
        {
            return false;
        }

        if (row.Projects.Contains(ProjectId, StringComparer.Ordinal))
        {
            agents[row.Id] = (BoardFigures.Agent(row), change.Version);
            return true;
        }

        return agents.Remove(row.Id);
    }

    /// <summary>Takes the project's line (and settings, when they came with it).</summary>
    public bool Apply(BoardLineChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Version != 0 && change.Version <= line.Version)
        {
            return false;
        }

        line = new Line(change.Version, change.CallsWaiting, change.LongestWaitingSince, [.. change.Days], [.. change.SilenceAlerts]);
        Settings = change.Settings ?? Settings;
        return true;
    }

    /// <summary>
    /// What changes on the board with the time alone (no message says so): the project's day and
    /// the alerts in the shown window. A board grain compares it between builds to number such a
    /// change like any other.
    /// </summary>
    public (DateOnly Today, int SilenceAlerts) TimeKey(DateTimeOffset now) =>
        (Settings.Calendar.LocalDateOf(now), line.SilenceAlerts.Count(a => a > now - BoardFigures.SilenceAlertsShown));

    /// <summary>The board at <paramref name="now"/>: one pass over the open tickets and agents, today's resolutions and closures by range.</summary>
    public ProjectBoard Build(DateTimeOffset now)
    {
        var windowStart = now - BoardFigures.OpenWindow;
        var openTickets = open.Where(t => t.ReceivedAt >= windowStart).ToList();
        var onBoard = agents.Values.Select(a => a.Agent).Order(BoardFigures.AgentOrder).ToList();
        var figures = FiguresAt(now, openTickets, onBoard);
        return new ProjectBoard(
            ProjectId, Settings.Name, now, figures.Calls, onBoard, openTickets,
            figures.ResolvedToday, figures.ClosedToday, figures.Satisfaction, figures.Alerts, Counts: figures.Counts);
    }

    /// <summary>
    /// What changed on the board at <paramref name="now"/> for the tickets and agents named: their
    /// rows as the board has them now, or their ids as removed when they are no longer on it (not
    /// open, out of the window, not serving the project); the small parts and the alerts
    /// whole (the board grain leaves them out when a reader has them). Counting is one pass over the open tickets.
    /// </summary>
    public BoardDelta DeltaOf(
        IReadOnlyCollection<string> ticketIds, IReadOnlyCollection<string> agentIds, DateTimeOffset now,
        long epoch, long fromSequence, long sequence)
    {
        ArgumentNullException.ThrowIfNull(ticketIds);
        ArgumentNullException.ThrowIfNull(agentIds);
        var windowStart = now - BoardFigures.OpenWindow;
        var changedTickets = new List<TicketOnBoard>();
        var removedTickets = new List<string>();
        foreach (var id in ticketIds)
        {
            if (tickets.TryGetValue(id, out var kept) && TicketOnBoard.IsOpenStatus(kept.Ticket.Status) && kept.Ticket.ReceivedAt >= windowStart)
            {
                changedTickets.Add(kept.Ticket);
            }
            else
            {
                removedTickets.Add(id);
            }
        }

        var changedAgents = new List<AgentOnBoard>();
        var removedAgents = new List<string>();
        foreach (var id in agentIds)
        {
            if (agents.TryGetValue(id, out var kept))
            {
                changedAgents.Add(kept.Agent);
            }
            else
            {
                removedAgents.Add(id);
            }
        }

        var figures = FiguresAt(now, open.Where(t => t.ReceivedAt >= windowStart).ToList(), agents.Values.Select(a => a.Agent));
        return new BoardDelta(
            ProjectId, epoch, fromSequence, sequence, now, Settings.Name, figures.Calls,
            figures.ResolvedToday, figures.ClosedToday, figures.Satisfaction, figures.Alerts,
            [.. changedTickets.Order(BoardFigures.OpenOrder)], [.. removedTickets.Order(StringComparer.Ordinal)],
            [.. changedAgents.Order(BoardFigures.AgentOrder)], [.. removedAgents.Order(StringComparer.Ordinal)],
            figures.Counts);
    }

    /// <summary>Everything on a board but its lists of tickets and agents, at <paramref name="now"/>.</summary>
    private Figures FiguresAt(DateTimeOffset now, IReadOnlyList<TicketOnBoard> openTickets, IEnumerable<AgentOnBoard> onBoard)
    {
        var today = Settings.Calendar.LocalDateOf(now);
        var windowStart = now - BoardFigures.OpenWindow;
        var day = line.Days.LastOrDefault(d => d.Date == today) ?? new DayStats { Date = today };
        var alerts = BoardFigures.Alerts(openTickets, SilenceAlertsAt(now), onBoard.Order(BoardFigures.AgentOrder));
        return new Figures(
            BoardFigures.Calls(line.CallsWaiting, line.LongestWaitingSince, day),
            CountOn(resolved, today, windowStart),
            CountOn(closed, today, windowStart),
            BoardFigures.Satisfaction(day),
            alerts,
            BoardFigures.Counts(openTickets, alerts.Count));
    }

    private List<DateTimeOffset> SilenceAlertsAt(DateTimeOffset now) =>
        [.. line.SilenceAlerts.Where(a => a > now - BoardFigures.SilenceAlertsShown)];

    /// <summary>Drops tickets that left the 90-day window and are no longer open: they are on no board again.</summary>
    public int Prune(DateTimeOffset now)
    {
        var windowStart = now - BoardFigures.OpenWindow;
        var gone = tickets.Where(t => t.Value.Ticket.ReceivedAt < windowStart).Select(t => t.Key).ToList();
        foreach (var id in gone)
        {
            var kept = tickets[id];
            open.Remove(kept.Ticket);
            Unindex(resolved, kept.ResolvedAt, id);
            Unindex(closed, kept.ClosedAt, id);
            tickets.Remove(id);
        }

        return gone.Count;
    }

    /// <summary>How many tickets of the window have their instant on the project's day <paramref name="date"/>.</summary>
    private int CountOn(SortedSet<(DateTimeOffset At, string Id)> index, DateOnly date, DateTimeOffset windowStart)
    {
        var calendar = Settings.Calendar;

        // The day's bounds widened by a day each way; the project's own date rule then decides.
        var from = calendar.StartOf(date).AddDays(-1);
        var to = calendar.StartOf(date.AddDays(1)).AddDays(1);
        return index.GetViewBetween((from, string.Empty), (to, string.Empty))
            .Count(e => calendar.LocalDateOf(e.At) == date && tickets[e.Id].Ticket.ReceivedAt >= windowStart);
    }

    private static void Index(SortedSet<(DateTimeOffset At, string Id)> index, DateTimeOffset? at, string id)
    {
        if (at is { } instant)
        {
            index.Add((instant, id));
        }
    }

    private static void Unindex(SortedSet<(DateTimeOffset At, string Id)> index, DateTimeOffset? at, string id)
    {
        if (at is { } instant)
        {
            index.Remove((instant, id));
        }
    }

    private sealed record Figures(
        CallBoard Calls, int ResolvedToday, int ClosedToday, double? Satisfaction, IReadOnlyList<BoardAlert> Alerts, OpenTicketCounts Counts);

    private sealed record Kept(TicketOnBoard Ticket, DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt, long Version);

    private sealed record Line(
        long Version, int CallsWaiting, DateTimeOffset? LongestWaitingSince, IReadOnlyList<DayStats> Days, IReadOnlyList<DateTimeOffset> SilenceAlerts);
}
