using HotlineGrains.Silo.Telemetry;
using System.Collections.Concurrent;
using System.Threading.Channels;
using HotlineGrains.Grains.Floor;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans;

namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// This node's boards: the latest of each project watched here, as its board grain numbered it.
/// The node subscribes to the board grains of the projects its screens joined (a grain observer,
/// renewed every refresh); told of a change, it reads what changed from the grain (a burst of
/// changes gives one read; the whole board only when it has none or fell behind) and pushes it to
/// the project's groups once. Every refresh it also asks each
/// board grain, so a lost notification, or a board grain that moved to another silo and started
/// a new epoch, is caught up by itself. No board is read from storage here.
/// </summary>
internal sealed partial class WallboardBoards(
    IGrainFactory grains, IHubContext<WallboardHub> hub, TimeProvider time, IOptions<FloorOptions> options, HotlineMetrics metrics, ILogger<WallboardBoards> logger) : BackgroundService, IBoardObserver
{
    /// <summary>Changes of one step (a ticket's row, its agent's, the project's line) arrive within milliseconds: they make one board.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(30);

    private readonly ConcurrentDictionary<string, BoardSnapshot> current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> watched = new(StringComparer.Ordinal);
    private readonly Channel<string> changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock referenceLock = new();
    private IBoardObserver? reference;

    private TimeSpan Refresh => options.Value.RefreshInterval;

    /// <summary>A subscription outlives a few missed renewals: a busy node is not dropped for one late refresh.</summary>
    private TimeSpan Lease => Refresh * 4;

    /// <summary>Something of <paramref name="projectId"/> changed: its board is read from its grain shortly.</summary>
    public void Changed(string projectId) => changed.Writer.TryWrite(projectId);

    Task IBoardObserver.BoardChanged(string projectId, long epoch, long sequence)
    {
        if (!current.TryGetValue(projectId, out var known) || known.Epoch != epoch || known.Sequence < sequence)
        {
            Changed(projectId);
        }

        return Task.CompletedTask;
    }

    /// <summary>The project's board as this node has it, or (first time) as its grain has it; null for a project with no board.</summary>
    public async Task<ProjectBoard?> CurrentAsync(string projectId, CancellationToken cancellationToken)
    {
        if (current.TryGetValue(projectId, out var known))
        {
            return known.Board;
        }

        var board = grains.GetGrain<IProjectBoardGrain>(projectId);
        await board.Subscribe(Reference(), Lease).WaitAsync(cancellationToken);
        var snapshot = await board.GetBoard().WaitAsync(cancellationToken);
        if (snapshot.Board is null)
        {
            await board.Unsubscribe(Reference()).WaitAsync(cancellationToken);
            return null;
        }

        watched[projectId] = true;
        return Keep(projectId, snapshot) ? snapshot.Board : current[projectId].Board;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        lock (referenceLock)
        {
            if (reference is not null)
            {
                grains.DeleteObjectReference<IBoardObserver>(reference);
                reference = null;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRefresh = time.GetUtcNow() + Refresh;
        while (!stoppingToken.IsCancellationRequested)
        {
            var dirty = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(Refresh);
                dirty.Add(await changed.Reader.ReadAsync(wait.Token));
                await Task.Delay(Coalesce, stoppingToken);
                while (changed.Reader.TryRead(out var more))
                {
                    dirty.Add(more);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // No change for a while: time for the refresh.
            }

            var refresh = time.GetUtcNow() >= nextRefresh;
            if (refresh)
            {
                dirty.UnionWith(watched.Keys);
                nextRefresh = time.GetUtcNow() + Refresh;
            }

            foreach (var projectId in dirty)
            {
                try
                {
                    var board = grains.GetGrain<IProjectBoardGrain>(projectId);
                    if (refresh && watched.ContainsKey(projectId))
                    {
                        await board.Subscribe(Reference(), Lease);
                    }

                    var (snapshot, delta) = await ReadAsync(board, projectId);
                    if (snapshot?.Board is not null && Keep(projectId, snapshot, out var previous))
                    {
                        var sending = time.GetTimestamp();
                        await PushAsync(previous?.Board, snapshot.Board, delta, stoppingToken);
                        metrics.BoardSent(time.GetElapsedTime(sending));
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogReadFailed(logger, exception, projectId);
                }
            }
        }
    }

    /// <summary>
    /// The board's news since the board this node has: what changed, applied to the board kept
    /// here (the grain sends the changed rows, not every open ticket), or the whole board when this
    /// node has none, the grain answers with one, or the change does not follow the board kept.
    /// </summary>
    private async Task<(BoardSnapshot? Snapshot, BoardDelta? Delta)> ReadAsync(IProjectBoardGrain board, string projectId)
    {
        if (current.TryGetValue(projectId, out var known) && known.Board is not null)
        {
            var news = await board.GetChangesSince(known.Epoch, known.Sequence);
            if (news.Delta is not { } delta)
            {
                return (news, null);
            }

            if (!news.IsAfter(known.Epoch, known.Sequence))
            {
                return (null, null);
            }

            if (delta.Epoch == known.Epoch && delta.FromSequence == known.Sequence)
            {
                return (new BoardSnapshot(delta.ApplyTo(known.Board), delta.Epoch, delta.Sequence), delta);
            }
        }

        return (await board.GetBoard(), null);
    }

    /// <summary>
    /// A whole board to the screens that take whole boards (<c>Join</c>); to those that take deltas
    /// (<c>JoinLive</c>) what changed since the board this node pushed before, or the whole board
    /// when there is none of this epoch or the change touched more than a delta carries. Screens of
    /// every row get the grain's own delta (<paramref name="fromGrain"/>) when it follows the board pushed before.
    /// </summary>
    private async Task PushAsync(ProjectBoard? previous, ProjectBoard board, BoardDelta? fromGrain, CancellationToken cancellationToken)
    {
        await hub.Clients.Group(WallboardHub.Group(board.ProjectId)).SendAsync(WallboardHub.BoardMethod, board, cancellationToken);
        foreach (var rows in WallboardHub.RowTiers)
        {
            // Each tier's delta is between the boards as its screens see them: a ticket that moved
            // out of their rows is removed for them, whatever happened to it.
            var shown = board.Showing(rows);
            var live = hub.Clients.Group(WallboardHub.LiveGroup(board.ProjectId, rows));
            var delta = previous is null || previous.Epoch != board.Epoch ? null
                : rows == 0 && fromGrain is not null && fromGrain.FromSequence == previous.Sequence ? fromGrain
                : BoardDelta.Between(previous.Showing(rows), shown);
            if (delta is { Items: <= BoardDelta.MaxItems })
            {
                await live.SendAsync(WallboardHub.DeltaMethod, delta, cancellationToken);
            }
            else
            {
                await live.SendAsync(WallboardHub.BoardMethod, shown, cancellationToken);
            }
        }
    }

    private bool Keep(string projectId, BoardSnapshot snapshot) => Keep(projectId, snapshot, out _);

    /// <summary>Keeps <paramref name="snapshot"/> unless this node has it already or a later one; true when kept, with the one it replaced.</summary>
    private bool Keep(string projectId, BoardSnapshot snapshot, out BoardSnapshot? previous)
    {
        while (true)
        {
            if (!current.TryGetValue(projectId, out var known))
            {
                previous = null;
                if (current.TryAdd(projectId, snapshot))
                {
                    return true;
                }
            }
            else if (!snapshot.IsAfter(known.Epoch, known.Sequence))
            {
                previous = known;
                return false;
            }
            else if (current.TryUpdate(projectId, snapshot, known))
            {
                previous = known;
                return true;
            }
        }
    }

    private IBoardObserver Reference()
    {
        lock (referenceLock)
        {
            return reference ??= grains.CreateObjectReference<IBoardObserver>(this);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The board of {ProjectId} could not be read from its grain; the next change or refresh tries again")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string projectId);
}
