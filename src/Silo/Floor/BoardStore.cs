using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace HotlineGrains.Silo.Floor;

/// <summary>
/// Reads a board's sources from storage: the project grain's settings and line, the register rows
/// of the open window, and the floor rows of the agents serving the project. A board grain reads
/// them once, when it activates; the gateway's reference reader reads them per board.
/// </summary>
public sealed class BoardStore(IGrainFactory grains, IReadModels readModels) : IBoardStore
{
    /// <summary>Agents read for a floor, across all projects' scopes.</summary>
    public const int AgentLimit = 1000;

    public async Task<BoardSources?> LoadAsync(string projectId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var project = grains.GetGrain<IProjectGrain>(projectId);
        if (await project.GetSettings() is not { } settings)
        {
            return null;
        }

        var floor = await project.GetFloor(now);
        var rows = await WindowAsync(projectId, now, readModels, cancellationToken);
        var agents = await ServingAsync(projectId, readModels, cancellationToken);
        return new BoardSources(settings, floor, rows, agents);
    }

    /// <summary>
    /// Every register row of the open window, newest first, read in pages of
    /// <see cref="BoardFigures.PageRows"/>: a large operator's project holds more open tickets than
    /// one page, and a board built from the first page alone would miss the oldest (the most
    /// overdue). Tickets recorded while the pages are read push rows down a page, so a row may come
    /// twice; the first (newest) copy is kept.
    /// </summary>
    public static async Task<IReadOnlyList<TicketRegisterRow>> WindowAsync(string projectId, DateTimeOffset now, IReadModels readModels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readModels);
        var rows = new List<TicketRegisterRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; offset < BoardFigures.MaxRows; offset += BoardFigures.PageRows)
        {
            var page = await readModels.QueryAsync<TicketRegisterRow>(
                new ReadModelQuery(TicketGrain.RegisterModel, [projectId]) { From = now - BoardFigures.OpenWindow, Offset = offset, Limit = BoardFigures.PageRows },
                cancellationToken);
            rows.AddRange(page.Items.Where(row => seen.Add(row.TicketId)));
            if (page.Items.Count < BoardFigures.PageRows || offset + page.Items.Count >= page.Total)
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>
    /// The floor rows of the agents serving a project, by work number. A row sits under the agent's
    /// home project; agents who also serve this one live under other homes, so every project's rows
    /// are read and those serving this one kept.
    /// </summary>
    public static async Task<IReadOnlyList<AgentFloorRow>> ServingAsync(string projectId, IReadModels readModels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readModels);
        var projects = await readModels.QueryAsync<ProjectListItem>(
            new ReadModelQuery(ProjectGrain.ProjectsModel, [ProjectGrain.ProjectsScope]) { Limit = AgentLimit }, cancellationToken);
        var rows = await readModels.QueryAsync<AgentFloorRow>(
            new ReadModelQuery(AgentGrain.FloorModel, [.. projects.Items.Select(p => p.Id)]) { Limit = AgentLimit }, cancellationToken);
        return [.. rows.Items.Where(r => r.Projects.Contains(projectId))
            .OrderBy(r => r.WorkNumber, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }
}

public static class BoardStoreExtensions
{
    /// <summary>The boards' storage side, on silos (board grains) and gateways (the reference reader) alike.</summary>
    public static IServiceCollection AddHotlineBoards(this IServiceCollection services)
    {
        services.AddSingleton<IBoardStore, BoardStore>();
        return services;
    }
}
