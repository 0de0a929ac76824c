namespace HotlineGrains.Grains.Turns;

/// <summary>
/// What a grain turn may do besides changing its own state. Every effect is stored with the
/// turn's state, in the same write, or not at all: events and grain messages go into the outbox,
/// read-model rows into their tables; reminders are registered with Orleans before that write
/// and cancelled after it, so a crash in between leaves at most a harmless extra firing.
/// </summary>
public interface ITurn
{
    /// <summary>The time this turn runs at, from the silo's <see cref="TimeProvider"/>; fixed for the whole turn.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Publishes an event to the bus once the turn is stored (at least once, in order per grain).</summary>
    void Publish<TEvent>(TEvent @event) where TEvent : class;

    /// <summary>
    /// Sets (or moves) the one-shot reminder <paramref name="name"/>: it fires at <paramref name="dueAt"/>
    /// (or at once if that has passed) in a turn of its own, and is gone once a firing's turn did not set it again.
    /// </summary>
    void SetReminder(string name, DateTimeOffset dueAt);

    /// <summary>Removes the reminder <paramref name="name"/> if it exists.</summary>
    void CancelReminder(string name);

    /// <summary>
    /// Sends a one-way message to a grain (this one included), delivered after this turn is stored,
    /// in a turn of the receiver's own, at least once: the receiver recognises a repeat by the
    /// message's id. <typeparamref name="TGrain"/> is the receiving grain class (its
    /// <c>[GrainType]</c> names it), which implements <see cref="IHandle{TMessage}"/>.
    /// </summary>
    void Send<TGrain>(string key, IGrainMessage message) where TGrain : IReceiveMessages;

    /// <summary>
    /// Writes this grain's row in the read model <paramref name="model"/> (replacing the previous
    /// one) with the turn, so queries across grains (the ticket register, say) are never behind or
    /// ahead of the grains. <paramref name="scope"/> is what queries are limited to (a project id);
    /// <paramref name="sortTime"/> is what they range and order over.
    /// </summary>
    void Project(string model, string scope, DateTimeOffset sortTime, object document);

    /// <summary>Removes this grain's row from the read model <paramref name="model"/>.</summary>
    void Unproject(string model);
}

/// <summary>One firing of a reminder: its name, the time it was set for, and the time it fired.</summary>
public sealed record ReminderTick(string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt);

/// <summary>A grain that handles reminders it set with <see cref="ITurn.SetReminder"/>.</summary>
public interface IHandleReminders
{
    Task ReceiveReminder(ReminderTick tick);
}

/// <summary>A grain that accepts one-way messages of type <typeparamref name="TMessage"/> (see <see cref="ITurn.Send{TGrain}"/>).</summary>
public interface IHandle<in TMessage> where TMessage : IGrainMessage
{
    Task Handle(TMessage message);
}
