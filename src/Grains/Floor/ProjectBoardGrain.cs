using HotlineGrains.Grains.Turns;
using Microsoft.Extensions.Logging;
using Orleans;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// A project's live board (<see cref="IProjectBoardGrain"/>), in memory only: storage keeps its
/// sources, so a new activation (after its silo died, or after idling) builds the board from
/// storage and goes on from there. Changes come as grain messages stored with the turns that made
/// them (<see cref="IBoardMessage"/>, at least once, in order); each one that changes the board
/// gets the next sequence number and every subscribed gateway is told.
/// </summary>
[GrainType("board")]
public sealed partial class ProjectBoardGrain(IBoardStore store, TimeProvider time, ILogger<ProjectBoardGrain> logger)
    : Grain, IProjectBoardGrain, IReceiveMessages, IHandle<BoardTicketChanged>, IHandle<BoardAgentChanged>, IHandle<BoardLineChanged>
{
    /// <summary>How often tickets that left the 90-day window are dropped from memory.</summary>
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    /// <summary>Subscribed gateways and when (on this process's monotonic clock, in ms) each subscription lapses.</summary>
    private readonly Dictionary<IBoardObserver, long> observers = [];

    private FloorBoard? board;
    private (DateOnly Today, int SilenceAlerts) timeKey;
    private DateTimeOffset prunedAt;

    /// <summary>How many changes back a node may ask what changed; from further back it gets the whole board.</summary>
    private const int Remembered = 256;

    /// <summary>The last <see cref="Remembered"/> changes: which ticket or agent each touched (neither for the line's).</summary>
    private readonly Queue<Touched> log = new();

    /// <summary>This activation's numbering: random, so two activations never share one.</summary>
    private long epoch;
    private long sequence;

    /// <summary>The last change that cannot be said row by row (the day turned, the board was built anew): asked from before it, the answer is the whole board.</summary>
    private long wholeFrom;

    /// <summary>
    /// The alerts as last worked out for a reader, and the last change at which they were found
    /// moved. Every board or delta a node holds was worked out at its own sequence, so a node whose
    /// sequence is at or after <see cref="alertsChangedAt"/> has the alerts as they are now. Worked
    /// out per read, not per change: a change costs a pass over the open tickets only when read.
    /// </summary>
    private IReadOnlyList<BoardAlert> alerts = [];
    private long alertsChangedAt;

    /// <summary>While a delivery of several messages is handled, gateways are told once, at its end.</summary>
    private bool holdNotices;
    private bool noticeHeld;

    private string ProjectId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        epoch = Random.Shared.NextInt64(1, long.MaxValue);
        await RebuildAsync(cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<BoardSnapshot> GetBoard()
    {
        if (board is null)
        {
            return Task.FromResult(new BoardSnapshot(null, epoch, sequence));
        }

        var now = time.GetUtcNow();
        CatchUpWithTime(board, now);
        return Task.FromResult(Whole(board, now));
    }

    public Task<BoardSnapshot> GetChangesSince(long knownEpoch, long knownSequence)
    {
        if (board is null)
        {
            return Task.FromResult(new BoardSnapshot(null, epoch, sequence));
        }

        var now = time.GetUtcNow();
        CatchUpWithTime(board, now);
        var remembered = log.Count > 0 && log.Peek().Sequence <= knownSequence + 1;
        if (knownEpoch != epoch || knownSequence > sequence || knownSequence < wholeFrom || (knownSequence < sequence && !remembered))
        {
            return Task.FromResult(Whole(board, now));
        }

        var since = log.Where(t => t.Sequence > knownSequence).ToList();
        var delta = board.DeltaOf(
            [.. since.Select(t => t.TicketId).OfType<string>().Distinct(StringComparer.Ordinal)],
            [.. since.Select(t => t.AgentId).OfType<string>().Distinct(StringComparer.Ordinal)],
            now, epoch, knownSequence, sequence);
        NoteAlerts(delta.Alerts!);
        return Task.FromResult(new BoardSnapshot(null, epoch, sequence, alertsChangedAt > knownSequence ? delta : delta with { Alerts = null }));
    }

    public Task Subscribe(IBoardObserver observer, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observers[observer] = Environment.TickCount64 + (long)lease.TotalMilliseconds;
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IBoardObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observers.Remove(observer);
        return Task.CompletedTask;
    }

    async Task IReceiveMessages.Deliver(IReadOnlyList<GrainMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // The gateways are told once of a delivery's changes: they read them all with one call.
        holdNotices = true;
        try
        {
            foreach (var message in messages)
            {
                await HandleAsync(message);
            }
        }
        finally
        {
            holdNotices = false;
            if (noticeHeld)
            {
                noticeHeld = false;
                NotifyObservers();
            }
        }
    }

    private async Task HandleAsync(GrainMessage message)
    {
        switch (message.Body)
        {
            case BoardTicketChanged ticket:
                await Handle(ticket);
                break;
            case BoardAgentChanged agent:
                await Handle(agent);
                break;
            case BoardLineChanged line:
                await Handle(line);
                break;
            default:
                throw new InvalidOperationException($"A board does not handle {message.Body.GetType().Name}.");
        }
    }

    public Task Handle(BoardTicketChanged message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Apply(b => b.Apply(message), new Touched(0, message.Ticket.TicketId, null));
        return Task.CompletedTask;
    }

    public Task Handle(BoardAgentChanged message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Apply(b => b.Apply(message), new Touched(0, null, message.Agent.Id));
        return Task.CompletedTask;
    }

    public async Task Handle(BoardLineChanged message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (board is null && message.Settings is not null)
        {
            // The project was configured after its board activated: storage has it all now, this change included.
            await RebuildAsync(CancellationToken.None);
            if (board is not null)
            {
                Changed(null);
            }

            return;
        }

        Apply(b => b.Apply(message), new Touched(0, null, null));
    }

    /// <summary>Applies a change; without a board (the project is not configured: an agent may name one) there is nothing to change.</summary>
    private void Apply(Func<FloorBoard, bool> apply, Touched touched)
    {
        if (board is null)
        {
            return;
        }

        if (apply(board))
        {
            timeKey = board.TimeKey(time.GetUtcNow());
            Changed(touched);
        }
    }

    /// <summary>The project's day turned, or an alert left the window, with no message saying so: a change all the same, of the whole board.</summary>
    private void CatchUpWithTime(FloorBoard kept, DateTimeOffset now)
    {
        if (now - prunedAt > PruneEvery)
        {
            prunedAt = now;
            if (kept.Prune(now) > 0)
            {
                Changed(null);
            }
        }

        if (kept.TimeKey(now) is var key && key != timeKey)
        {
            timeKey = key;
            Changed(null);
        }
    }

    private BoardSnapshot Whole(FloorBoard kept, DateTimeOffset now)
    {
        var whole = kept.Build(now) with { Epoch = epoch, Sequence = sequence };
        NoteAlerts(whole.Alerts);
        return new(whole, epoch, sequence);
    }

    private void NoteAlerts(IReadOnlyList<BoardAlert> now)
    {
        if (!now.SequenceEqual(alerts))
        {
            alerts = now;
            alertsChangedAt = sequence;
        }
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sources = await store.LoadAsync(ProjectId, now, cancellationToken);
        board = sources is null ? null : FloorBoard.From(ProjectId, sources);
        if (board is not null)
        {
            timeKey = board.TimeKey(now);
            prunedAt = now;
            LogBuilt(logger, ProjectId, board.TicketCount, sources!.Agents.Count);
        }
    }

    /// <summary>
    /// Numbers the change, remembers what it touched (null: what cannot be said row by row), and
    /// tells every gateway whose subscription has not lapsed.
    /// </summary>
    private void Changed(Touched? touched)
    {
        sequence++;
        if (touched is null)
        {
            wholeFrom = sequence;
        }
        else
        {
            log.Enqueue(touched with { Sequence = sequence });
            while (log.Count > Remembered)
            {
                log.Dequeue();
            }
        }

        if (holdNotices)
        {
            noticeHeld = true;
            return;
        }

        NotifyObservers();
    }

    /// <summary>Tells every gateway whose subscription has not lapsed of the board's latest sequence.</summary>
    private void NotifyObservers()
    {
        var now = Environment.TickCount64;
        foreach (var (observer, until) in observers.ToList())
        {
            if (until < now)
            {
                observers.Remove(observer);
                continue;
            }

            try
            {
                _ = observer.BoardChanged(ProjectId, epoch, sequence);
            }
            catch (Exception exception)
            {
                LogNotifyFailed(logger, exception, ProjectId);
            }
        }
    }

    /// <summary>What one change touched: a ticket's row, an agent's, or (neither) the project's line.</summary>
    private sealed record Touched(long Sequence, string? TicketId, string? AgentId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Board {ProjectId} built from storage: {Tickets} tickets, {Agents} agents")]
    private static partial void LogBuilt(ILogger logger, string projectId, int tickets, int agents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gateway watching board {ProjectId} could not be told of a change; its refresh catches up")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string projectId);
}
