using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// The reference board: a project's board worked out afresh from what is stored (the project
/// grain's line and counters, the ticket register, the agents' floor rows), in one declarative
/// pass. The live floor no longer reads it per change (board grains keep the boards, issue 13);
/// it is what a board grain's board must always equal (the fidelity tests compare them).
/// </summary>
internal sealed class WallboardReader(IBoardStore store, TimeProvider time)
{
    public async Task<ProjectBoard?> ReadAsync(string projectId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await store.LoadAsync(projectId, now, cancellationToken) is not { } sources)
        {
            return null;
        }

        var settings = sources.Settings;
        var floor = sources.Floor;
        var rows = sources.Register;
        var today = settings.Calendar.LocalDateOf(now);
        bool IsToday(DateTimeOffset? at) => at is { } instant && settings.Calendar.LocalDateOf(instant) == today;

        var open = rows
            .Where(r => r.Status is not (nameof(TicketStatus.Closed) or nameof(TicketStatus.Pending)))
            .OrderBy(r => r.NextDueAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.ReceivedAt).ThenBy(r => r.TicketId, StringComparer.Ordinal)
            .Select(TicketOnBoard.From)
            .ToList();
        var agents = sources.Agents.Select(BoardFigures.Agent).ToList();
        var alerts = BoardFigures.Alerts(open, floor.RecentSilenceAlerts, agents);
        return new ProjectBoard(
            projectId,
            settings.Name,
            now,
            BoardFigures.Calls(floor.CallsWaiting, floor.LongestWaitingSince, floor.Today),
            agents,
            open,
            rows.Count(r => IsToday(r.ResolvedAt)),
            rows.Count(r => IsToday(r.ClosedAt)),
            BoardFigures.Satisfaction(floor.Today),
            alerts,
            Counts: BoardFigures.Counts(open, alerts.Count));
    }
}
