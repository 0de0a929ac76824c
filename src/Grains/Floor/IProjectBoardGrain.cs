using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// A project's live board, kept in memory by the grain of the project's id: built from storage
/// when it activates, then changed by the messages the ticket, agent and project grains send with
/// their turns. Every change gets the next <see cref="BoardSnapshot.Sequence"/>; gateways watch
/// it through <see cref="IBoardObserver"/>.
/// </summary>
public interface IProjectBoardGrain : IGrainWithStringKey
{
    /// <summary>The board now; a null board when the project is not configured.</summary>
    Task<BoardSnapshot> GetBoard();

    /// <summary>
    /// What changed since the board numbered (<paramref name="epoch"/>, <paramref name="sequence"/>):
    /// a <see cref="BoardSnapshot.Delta"/> with the rows that changed, or the whole board when the
    /// numbering is of another activation, too far back, or before a change of the whole board (the
    /// day turned). So a node holding a board reads what changed, not every open ticket, per change.
    /// </summary>
    Task<BoardSnapshot> GetChangesSince(long epoch, long sequence);

    /// <summary>
    /// Tells <paramref name="observer"/> of each change for <paramref name="lease"/> (renewed by
    /// calling again). Subscriptions live in the activation: a watcher renews them well within the
    /// lease, and so finds a board that moved to another silo again.
    /// </summary>
    Task Subscribe(IBoardObserver observer, TimeSpan lease);

    Task Unsubscribe(IBoardObserver observer);
}

/// <summary>A gateway node watching boards: told that one changed, it reads the board when it is ready to push.</summary>
public interface IBoardObserver : IGrainObserver
{
    [OneWay]
    Task BoardChanged(string projectId, long epoch, long sequence);
}

/// <param name="Epoch">Which activation of the board grain numbered <paramref name="Sequence"/>: a new activation starts a new epoch.</param>
/// <param name="Sequence">Grows by one per change of the board within an epoch.</param>
/// <param name="Delta">Instead of <paramref name="Board"/>, what changed since the board the caller has (<see cref="IProjectBoardGrain.GetChangesSince"/>).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardSnapshot(ProjectBoard? Board, long Epoch, long Sequence, BoardDelta? Delta = null)
{
    /// <summary>Whether this snapshot is later than one numbered (<paramref name="epoch"/>, <paramref name="sequence"/>).</summary>
    public bool IsAfter(long epoch, long sequence) => Epoch != epoch || Sequence > sequence;
}
