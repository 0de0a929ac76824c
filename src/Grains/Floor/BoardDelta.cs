using Orleans;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// What changed on a project's board from <see cref="FromSequence"/> to <see cref="Sequence"/> (same
/// <see cref="Epoch"/>): the tickets and agents that changed or went (by id), and the small parts
/// whole (calls, counts); the alerts only when they changed (null: as they were). A board grain
/// answers a node with one (<see cref="IProjectBoardGrain.GetChangesSince"/>), and a node sends one to
/// the screens that joined with <c>JoinLive</c>; on a screen that shows a number of rows
/// (<see cref="ProjectBoard.Showing"/>) a ticket that moves out of them goes as removed and one that
/// moves in as changed. Whoever's board is not at <see cref="FromSequence"/> of this epoch missed
/// something and asks for the whole board. The list order is the board's
/// (<see cref="BoardFigures.OpenOrder"/>, <see cref="BoardFigures.AgentOrder"/>), which a screen
/// applies as <see cref="ApplyTo"/> does.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardDelta(
    string ProjectId,
    long Epoch,
    long FromSequence,
    long Sequence,
    DateTimeOffset GeneratedAt,
    string Name,
    CallBoard Calls,
    int ResolvedToday,
    int ClosedToday,
    double? SatisfactionToday,
    IReadOnlyList<BoardAlert>? Alerts,
    IReadOnlyList<TicketOnBoard> Tickets,
    IReadOnlyList<string> RemovedTickets,
    IReadOnlyList<AgentOnBoard> Agents,
    IReadOnlyList<string> RemovedAgents,
    OpenTicketCounts? Counts = null)
{
    /// <summary>Tickets and agents one delta may carry; a change touching more goes as a whole board.</summary>
    public const int MaxItems = 200;

    /// <summary>Rows changed or removed: what bounds the message's size.</summary>
    public int Items => Tickets.Count + RemovedTickets.Count + Agents.Count + RemovedAgents.Count;

    public static BoardDelta Between(ProjectBoard before, ProjectBoard after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var beforeTickets = before.OpenTickets.ToDictionary(t => t.TicketId, StringComparer.Ordinal);
        var afterTickets = after.OpenTickets.Select(t => t.TicketId).ToHashSet(StringComparer.Ordinal);
        var beforeAgents = before.Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var afterAgents = after.Agents.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        return new BoardDelta(
            after.ProjectId, after.Epoch, before.Sequence, after.Sequence, after.GeneratedAt, after.Name, after.Calls,
            after.ResolvedToday, after.ClosedToday, after.SatisfactionToday, after.Alerts.SequenceEqual(before.Alerts) ? null : after.Alerts,
            [.. after.OpenTickets.Where(t => !beforeTickets.TryGetValue(t.TicketId, out var was) || was != t)],
            [.. before.OpenTickets.Select(t => t.TicketId).Where(id => !afterTickets.Contains(id))],
            [.. after.Agents.Where(a => !beforeAgents.TryGetValue(a.Id, out var was) || was != a)],
            [.. before.Agents.Select(a => a.Id).Where(id => !afterAgents.Contains(id))],
            after.Counts);
    }

    /// <summary>
    /// The board this delta makes of <paramref name="before"/>: what <c>floor-common.js</c> does on a
    /// screen. The lists stay in board order by merging the delta's rows (in that order) into the
    /// rest, so a node applies a delta to a board of thousands of open tickets in one pass.
    /// </summary>
    public ProjectBoard ApplyTo(ProjectBoard before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new ProjectBoard(
            ProjectId, Name, GeneratedAt, Calls,
            Merge(before.Agents, Agents, RemovedAgents, a => a.Id, BoardFigures.AgentOrder),
            Merge(before.OpenTickets, Tickets, RemovedTickets, t => t.TicketId, BoardFigures.OpenOrder),
            ResolvedToday, ClosedToday, SatisfactionToday, Alerts ?? before.Alerts, Epoch, Sequence, Counts);
    }

    /// <summary>The rows of <paramref name="kept"/> this delta leaves alone, with <paramref name="changed"/> in their places by <paramref name="order"/>.</summary>
    private static List<T> Merge<T>(IReadOnlyList<T> kept, IReadOnlyList<T> changed, IReadOnlyList<string> removed, Func<T, string> id, IComparer<T> order)
    {
        var touched = new HashSet<string>(removed, StringComparer.Ordinal);
        touched.UnionWith(changed.Select(id));
        var incoming = changed.Order(order).ToList();
        var merged = new List<T>(kept.Count + incoming.Count);
        var next = 0;
        foreach (var row in kept)
        {
            if (touched.Contains(id(row)))
            {
                continue;
            }

            while (next < incoming.Count && order.Compare(incoming[next], row) < 0)
            {
                merged.Add(incoming[next++]);
            }

            merged.Add(row);
        }

        merged.AddRange(incoming.Skip(next));
        return merged;
    }
}
