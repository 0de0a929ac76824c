namespace HotlineGrains.Silo;

/// <summary>
/// What a grain turn may do besides changing its own state. Every effect is committed in the
/// same transaction as the state, or not at all.
/// </summary>
public interface ITurn
{
    /// <summary>The time this turn runs at, from the runtime's <see cref="TimeProvider"/>; fixed for the whole turn.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Publishes an event to the bus once the turn commits (at least once, in order per grain).</summary>
    void Publish<TEvent>(TEvent @event) where TEvent : class;

    /// <summary>
    /// Sets (or replaces) the reminder <paramref name="name"/>: it fires at <paramref name="dueAt"/>
    /// and then every <paramref name="period"/> if one is given. The grain must implement <see cref="IRemindable"/>.
    /// </summary>
    void SetReminder(string name, DateTimeOffset dueAt, TimeSpan? period = null);

    /// <summary>Removes the reminder <paramref name="name"/> if it exists.</summary>
    void CancelReminder(string name);

    /// <summary>
    /// Sends a one-way message to another grain (or this one), delivered after this turn commits
    /// in a turn of its own. The receiving grain implements <see cref="IHandle{TMessage}"/>.
    /// Because the sender does not wait, a message back to the sender cannot deadlock.
    /// </summary>
    void Send<TGrain>(string key, object message) where TGrain : class, IGrain;

    /// <summary>
    /// Writes this grain's row in the read model <paramref name="model"/> (replacing the previous
    /// one) in the turn's transaction, so queries across grains (the ticket register, say) are
    /// never behind or ahead of the grains. <paramref name="scope"/> is what queries are limited to
    /// (a project id); <paramref name="sortTime"/> is what they range and order over.
    /// </summary>
    void Project(string model, string scope, DateTimeOffset sortTime, object document);

    /// <summary>Removes this grain's row from the read model <paramref name="model"/>.</summary>
    void Unproject(string model);

    /// <summary>Reads another grain's committed state without taking its turn: never blocks on that grain.</summary>
    Task<TResult> ReadAsync<TGrain, TResult>(string key, Func<TGrain, TResult> query) where TGrain : class, IGrain;
}

/// <summary>A grain that has reminders.</summary>
public interface IRemindable
{
    Task ReceiveReminder(ReminderTick tick);
}

/// <summary>
/// One firing of a reminder. Firing is at least once: <see cref="Sequence"/> counts the firings of
/// this registration, so a grain that keeps the last sequence it handled can tell a duplicate.
/// </summary>
public sealed record ReminderTick(string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt, long Sequence, TimeSpan? Period);

/// <summary>A grain that accepts one-way messages of type <typeparamref name="TMessage"/>.</summary>
public interface IHandle<in TMessage> where TMessage : class
{
    Task Handle(TMessage message);
}
