using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Floor;

/// <summary>
/// This node's boards: the latest of each project watched here, re-read when an event says the
/// project changed (a burst of events gives one read), and pushed to the project's group. Every
/// board is also re-read periodically, so a node that lost the bus for a while catches up alone.
/// </summary>
internal sealed partial class WallboardBoards(
    IServiceScopeFactory scopes, IHubContext<WallboardHub> hub, TimeProvider time, IOptions<FloorOptions> options, ILogger<WallboardBoards> logger) : BackgroundService
{
    /// <summary>Events of one change (a step publishes two or three) arrive within milliseconds: they make one board.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(30);

    private TimeSpan Refresh => options.Value.RefreshInterval;

    private readonly ConcurrentDictionary<string, ProjectBoard> current = new(StringComparer.Ordinal);
    private readonly Channel<string> changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>An event of <paramref name="projectId"/> arrived: its board is read again shortly.</summary>
    public void Changed(string projectId) => changed.Writer.TryWrite(projectId);

    public async Task<ProjectBoard?> CurrentAsync(string projectId, CancellationToken cancellationToken)
    {
        if (current.TryGetValue(projectId, out var board))
        {
            return board;
        }

        board = await ReadAsync(projectId, cancellationToken);
        if (board is not null)
        {
            current.TryAdd(projectId, board);
        }

        return board;
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
                // No event for a while: time for the catch-up read.
            }

            if (time.GetUtcNow() >= nextRefresh)
            {
                dirty.UnionWith(current.Keys);
                nextRefresh = time.GetUtcNow() + Refresh;
            }

            foreach (var projectId in dirty)
            {
                try
                {
                    if (await ReadAsync(projectId, stoppingToken) is { } board)
                    {
                        current[projectId] = board;
                        await hub.Clients.Group(WallboardHub.Group(projectId)).SendAsync(WallboardHub.BoardMethod, board, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogReadFailed(logger, exception, projectId);
                }
            }
        }
    }

    private async Task<ProjectBoard?> ReadAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WallboardReader>().ReadAsync(projectId, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The board of {ProjectId} could not be read; the next event or refresh tries again")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string projectId);
}
