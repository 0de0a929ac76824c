namespace HotlineGrains.Silo;

/// <summary>
/// A virtual actor with persistent state. The runtime makes a fresh instance for every turn and
/// hands it a private copy of the state, so a turn that throws, or is re-run after losing a race
/// with another node, leaves nothing behind. A turn must therefore be a pure transition: change
/// <see cref="State"/>, and ask <see cref="Turn"/> for every effect (events, reminders, messages).
/// </summary>
public abstract class Grain<TState> : IGrain, IStatefulGrain where TState : class, new()
{
    private GrainId id;
    private ITurn? turn;

    /// <summary>The grain's key (the part of its address after the type).</summary>
    protected string Key => id.Key;

    protected TState State { get; private set; } = new();

    /// <summary>
    /// Version of the state this call started from: 0 before the first write, then one more with
    /// every committed turn. It is the grain's ETag.
    /// </summary>
    protected long Version { get; private set; }

    /// <summary>The effects of the current turn. Throws in a read-only query.</summary>
    protected ITurn Turn => turn ?? throw new InvalidOperationException(
        $"Grain {id} is being read, not called: a read-only query cannot raise events, set reminders or send messages.");

    Type IStatefulGrain.StateType => typeof(TState);

    object IStatefulGrain.State => State;

    void IStatefulGrain.Attach(GrainId grainId, object state, long version, ITurn? currentTurn)
    {
        id = grainId;
        State = (TState)state;
        Version = version;
        turn = currentTurn;
    }
}

/// <summary>The runtime's view of a grain instance. Not for grain code.</summary>
public interface IStatefulGrain
{
    Type StateType { get; }

    object State { get; }

    void Attach(GrainId grainId, object state, long version, ITurn? currentTurn);
}
