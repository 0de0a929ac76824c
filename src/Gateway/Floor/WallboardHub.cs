using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Floor;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Microsoft.AspNetCore.SignalR;

namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// The live floor for wall displays and consoles: <c>JoinLive</c> a project (or <c>*</c> for all of
/// the caller's) with the number of rows the screen shows and get its boards at once, then a
/// <c>BoardDelta</c> whenever one changes; <c>Join</c> gets whole boards each time (older clients).
/// </summary>
internal sealed class WallboardHub(WallboardBoards boards, IReadModels readModels, CallerLimits limits) : Hub
{
    public const string Path = "/hubs/wallboard";
    public const string BoardMethod = "Board";

    /// <summary>What changed on a board (<see cref="BoardDelta"/>), for screens that joined with <see cref="JoinLive"/>.</summary>
    public const string DeltaMethod = "BoardDelta";

    public static string Group(string projectId) => "project:" + projectId;

    /// <summary>
    /// The numbers of rows live screens are served in: a screen asking for some gets the next
    /// (at most <see cref="ProjectBoard.MaxRowsShown"/>), so a node computes a handful of deltas per
    /// change, not one per screen size; 0 is every row.
    /// </summary>
    public static readonly IReadOnlyList<int> RowTiers = [0, 25, 50, 100, ProjectBoard.MaxRowsShown];

    /// <summary>The connection's row tier, kept for the whole boards it asks for after a gap.</summary>
    private const string RowsItem = "rows";

    public static string LiveGroup(string projectId, int rows) => $"live:{rows}:{projectId}";

    /// <summary>The tier serving a screen that shows <paramref name="rows"/> open tickets (0 or less: all of them).</summary>
    public static int TierOf(int rows) => rows <= 0 ? 0 : RowTiers.Skip(1).FirstOrDefault(t => t >= rows, ProjectBoard.MaxRowsShown);

    /// <summary>Boards now, then a whole <c>Board</c> on each change.</summary>
    public Task<IReadOnlyList<ProjectBoard>> Join(string projectId) => JoinAsync(projectId, Group, rows: 0);

    /// <summary>
    /// Boards now (numbered: <see cref="ProjectBoard.Epoch"/>, <see cref="ProjectBoard.Sequence"/>),
    /// then a <c>BoardDelta</c> on each change, or a whole <c>Board</c> when a delta cannot say it.
    /// A screen that shows <paramref name="rows"/> open tickets gets that many rows (at least; see
    /// <see cref="RowTiers"/>) and the counts of all; 0 for every row.
    /// </summary>
    public Task<IReadOnlyList<ProjectBoard>> JoinLive(string projectId, int rows)
    {
        var tier = TierOf(rows);
        Context.Items[RowsItem] = tier;
        return JoinAsync(projectId, id => LiveGroup(id, tier), tier);
    }

    /// <summary>One project's whole board now: what a screen asks for when a delta shows it missed one.</summary>
    public async Task<ProjectBoard> Board(string projectId)
    {
        var caller = Caller.From(Context.User!);
        if (!limits.TryAcquire(CallerLimits.HubJoins, caller.Id))
        {
            throw new HubException("Too many joins: this caller joined more than its limit per minute; try again shortly.");
        }

        return Keys.IsValid(projectId) && caller.Sees(projectId) && await boards.CurrentAsync(projectId, Context.ConnectionAborted) is { } board
            ? board.Showing(Context.Items.TryGetValue(RowsItem, out var rows) && rows is int tier ? tier : 0)
            : throw new HubException($"There is no project '{projectId}'.");
    }

    private async Task<IReadOnlyList<ProjectBoard>> JoinAsync(string projectId, Func<string, string> group, int rows)
    {
        var caller = Caller.From(Context.User!);
        if (!limits.TryAcquire(CallerLimits.HubJoins, caller.Id))
        {
            throw new HubException("Too many joins: this caller joined more than its limit per minute; try again shortly.");
        }

        IReadOnlyList<string> projects;
        if (projectId == HotlineClaims.AllProjects)
        {
            var all = await readModels.QueryAsync<ProjectListItem>(
                new ReadModelQuery(ProjectGrain.ProjectsModel, [ProjectGrain.ProjectsScope]) { Ascending = true, Limit = 1000 }, Context.ConnectionAborted);
            projects = [.. all.Items.Select(p => p.Id).Where(caller.Sees).Order(StringComparer.Ordinal)];
        }
        else
        {
            // Outside the caller's projects a project does not exist, as in the REST API.
            projects = Keys.IsValid(projectId) && caller.Sees(projectId) ? [projectId] : [];
        }

        var result = new List<ProjectBoard>(projects.Count);
        foreach (var id in projects)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group(id), Context.ConnectionAborted);
            if (await boards.CurrentAsync(id, Context.ConnectionAborted) is { } board)
            {
                result.Add(board.Showing(rows));
            }
        }

        if (result.Count == 0 && projectId != HotlineClaims.AllProjects)
        {
            throw new HubException($"There is no project '{projectId}'.");
        }

        return result;
    }
}
