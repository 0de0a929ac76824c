using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using HotlineGrains.Contracts;
using Orleans;

namespace HotlineGrains.Grains.Turns;

/// <summary>One turn of a hotline grain: its private copy of the state and the effects it raised.</summary>
internal sealed class TurnContext(object grain, object state, DateTimeOffset now, IServiceProvider services) : ITurn
{
    private static readonly ConcurrentDictionary<Type, string> GrainTypeNames = new();

    private readonly List<OutboxEntry> outbox = [];
    private readonly List<ReadModelChange> readModels = [];

    /// <summary>The grain this turn belongs to: the ambient turn is only this grain's own.</summary>
    public object Grain { get; } = grain;

    /// <summary>The grain's state as this turn changes it: a copy of the committed state, thrown away if the turn fails.</summary>
    public object State { get; } = state;

    public DateTimeOffset Now { get; } = now;

    /// <summary>The reminder whose firing this turn handles, if it is one.</summary>
    public string? Fired { get; set; }

    /// <summary>The ids of the grain messages this turn handles, if it handles any.</summary>
    public List<Guid> Messages { get; } = [];

    /// <summary>Reminder changes by name, the last one winning; null is a cancellation.</summary>
    public Dictionary<string, DateTimeOffset?> Reminders { get; } = new(StringComparer.Ordinal);

    public void Publish<TEvent>(TEvent @event) where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (@event is not IHotlineEvent hotline)
        {
            throw new ArgumentException($"{@event.GetType()} is not an event for integrators (IHotlineEvent).", nameof(@event));
        }

        outbox.Add(new OutboxEntry(hotline.EventId, @event.GetType().FullName!, null, Serialize(@event)));
    }

    public void SetReminder(string name, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Reminders[name] = dueAt;
    }

    public void CancelReminder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Reminders[name] = null;
    }

    public void Send<TGrain>(string key, IGrainMessage message) where TGrain : IReceiveMessages
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(message);
        if (!typeof(IHandle<>).MakeGenericType(message.GetType()).IsAssignableFrom(typeof(TGrain)))
        {
            throw new InvalidOperationException($"{typeof(TGrain).Name} does not handle {message.GetType().Name} (IHandle<{message.GetType().Name}>).");
        }

        outbox.Add(new OutboxEntry(Guid.NewGuid(), message.GetType().FullName!, $"{GrainTypeName(typeof(TGrain))}/{key}", Serialize(message)));
    }

    public void Project(string model, string scope, DateTimeOffset sortTime, object document)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(document);
        Replace(new ReadModelChange(model, scope, sortTime, Serialize(document)));
    }

    public void Unproject(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        Replace(new ReadModelChange(model, string.Empty, Now, null));
    }

    /// <summary>The effects to store with the state, or null when the turn raised none.</summary>
    public PendingEffects? Effects() => outbox.Count == 0 && readModels.Count == 0 ? null : new PendingEffects([.. outbox], [.. readModels]);

    /// <summary>The Orleans grain type a grain class is addressed by (its <c>[GrainType]</c>), e.g. <c>ticket</c>.</summary>
    private string GrainTypeName(Type grainClass) =>
        GrainTypeNames.GetOrAdd(grainClass, type => (type.GetCustomAttribute<GrainTypeAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [GrainType] attribute: stored messages address grains by it."))
            .GetGrainType(services, type).ToString()!);

    /// <summary>A grain has one row per read model: the last write of a turn wins.</summary>
    private void Replace(ReadModelChange change)
    {
        readModels.RemoveAll(c => c.Model == change.Model);
        readModels.Add(change);
    }

    private static JsonElement Serialize(object value) => JsonSerializer.SerializeToElement(value, value.GetType(), GrainRecordJson.Options);
}
