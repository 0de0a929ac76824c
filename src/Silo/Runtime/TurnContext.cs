namespace HotlineGrains.Silo.Runtime;

/// <summary>Collects a turn's effects; the runtime writes them in the turn's transaction.</summary>
internal sealed class TurnContext(GrainRuntime runtime, GrainId grain, DateTimeOffset now) : ITurn
{
    public DateTimeOffset Now { get; } = now;

    public GrainId Grain { get; } = grain;

    public List<object> Events { get; } = [];

    /// <summary>Reminder changes by name; null is a cancellation. The last change to a name wins.</summary>
    public SortedDictionary<string, (DateTimeOffset DueAt, TimeSpan? Period)?> Reminders { get; } = new(StringComparer.Ordinal);

    public List<(GrainId Target, object Message)> Messages { get; } = [];

    /// <summary>Read-model rows by model; null removes the row. The last write to a model wins.</summary>
    public SortedDictionary<string, (string Scope, DateTimeOffset SortTime, object Document)?> ReadModels { get; } = new(StringComparer.Ordinal);

    public bool HasEffects => Events.Count > 0 || Reminders.Count > 0 || Messages.Count > 0 || ReadModels.Count > 0;

    public void Publish<TEvent>(TEvent @event) where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(@event);
        runtime.EnsurePublishable(@event.GetType());
        Events.Add(@event);
    }

    public void SetReminder(string name, DateTimeOffset dueAt, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith(GrainRuntime.MessageReminderPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Reminder names starting with '{GrainRuntime.MessageReminderPrefix}' are reserved for messages.", nameof(name));
        }

        if (period is { } p && p < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder period is at least one second.");
        }

        Reminders[name] = (dueAt, period);
    }

    public void CancelReminder(string name) => Reminders[name] = null;

    public void Send<TGrain>(string key, object message) where TGrain : class, IGrain
    {
        ArgumentNullException.ThrowIfNull(message);
        Messages.Add((runtime.ResolveMessageTarget<TGrain>(key, message), message));
    }

    public void Project(string model, string scope, DateTimeOffset sortTime, object document)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(document);
        ReadModels[model] = (scope, sortTime, document);
    }

    public void Unproject(string model) => ReadModels[model] = null;

    public Task<TResult> ReadAsync<TGrain, TResult>(string key, Func<TGrain, TResult> query) where TGrain : class, IGrain =>
        runtime.ReadAsync(key, query, CancellationToken.None);
}
