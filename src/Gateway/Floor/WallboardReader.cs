using HotlineGrains.Gateway.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// Builds a project's board from what is stored: the project grain's line and counters, the
/// ticket register and the agents' floor rows. Every board is read afresh, so a node that just
/// started, or missed events while the bus was away, shows the truth at its next read.
/// </summary>
internal sealed class WallboardReader(IGrainFactory grains, IReadModels readModels, TimeProvider time)
{
    /// <summary>Open tickets older than this are not on the board; nobody keeps a complaint open for a quarter.</summary>
    private static readonly TimeSpan OpenWindow = TimeSpan.FromDays(90);

    private const int MaxRows = 5000;

    public async Task<ProjectBoard?> ReadAsync(string projectId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = await grains.GetGrain<IProjectGrain>(projectId).GetSettings();
        if (settings is null)
        {
            return null;
        }

        var floor = await grains.GetGrain<IProjectGrain>(projectId).GetFloor(now);
        var rows = await readModels.QueryAsync<TicketRegisterRow>(
            new ReadModelQuery(TicketGrain.RegisterModel, [projectId]) { From = now - OpenWindow, Limit = MaxRows }, cancellationToken);
        var agents = await AgentEndpoints.ServingAsync(projectId, readModels, cancellationToken);
        var today = settings.Calendar.LocalDateOf(now);
        bool IsToday(DateTimeOffset? at) => at is { } instant && settings.Calendar.LocalDateOf(instant) == today;

        var open = rows.Items
            .Where(r => r.Status is not (nameof(TicketStatus.Closed) or nameof(TicketStatus.Pending)))
            .OrderBy(r => r.NextDueAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.ReceivedAt)
            .Select(r => new TicketOnBoard(r.TicketId, r.Number, r.Status, r.Kind, r.Severity, r.Urgent, r.Agent, r.Department,
                r.ReceivedAt, r.NextDueAt, r.SlaState, r.CallbackDueAt, r.EscalationLevel))
            .ToList();
        var day = floor.Today;
        var reached = day.CallsAnswered + day.CallsAbandoned;
        var callbacks = day.CallbacksSatisfied + day.CallbacksUnsatisfied;

        var alerts = new List<BoardAlert>();
        alerts.AddRange(open.Where(t => t.SlaState == "Breached")
            .Select(t => new BoardAlert("SlaBreached", t.NextDueAt ?? t.ReceivedAt, $"{t.Number} 超时 past its deadline", TicketId: t.TicketId)));
        alerts.AddRange(floor.RecentSilenceAlerts.Select(at => new BoardAlert("LineSilent", at, "热线无来电 no inbound call: test-dial the line")));
        alerts.AddRange(agents.Where(a => a.OverBreakLimit)
            .Select(a => new BoardAlert("BreakLimit", a.Since, $"{a.WorkNumber} {a.Name} 小休超时 on break past the limit", AgentId: a.Id)));

        return new ProjectBoard(
            projectId,
            settings.Name,
            now,
            new CallBoard(
                floor.CallsWaiting, floor.LongestWaitingSince, day.CallsOffered, day.CallsAnswered, day.CallsAbandoned,
                reached == 0 ? null : (double)day.CallsAnswered / reached,
                ProjectGrain.AnswerRateTarget,
                day.CallsOffered == 0 ? null : (double)day.CallsAnsweredInTime / day.CallsOffered),
            [.. agents.Select(a => new AgentOnBoard(a.Id, a.WorkNumber, a.Name, a.Presence.ToString(), a.Since, a.OverBreakLimit, a.OpenTickets))],
            open,
            rows.Items.Count(r => IsToday(r.ResolvedAt)),
            rows.Items.Count(r => IsToday(r.ClosedAt)),
            callbacks == 0 ? null : (double)day.CallbacksSatisfied / callbacks,
            [.. alerts.OrderByDescending(a => a.At)]);
    }
}
