using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;

namespace HotlineGrains.Grains.Turns;

/// <summary>
/// An Orleans grain of the hotline with persistent state, written as turns. Every call that is not
/// a query (<c>[AlwaysInterleave]</c> on the interface method) is a turn: it runs on a private copy
/// of the committed state, its effects (<see cref="Turn"/>: events, grain messages, read-model rows,
/// reminders) are collected, and when it returns the state and the effects are stored in one write
/// through the <see cref="HotlineStorage.ProviderName"/> storage provider. A turn that throws, or
/// whose write fails, leaves nothing: the committed state is untouched and no effect is stored.
/// Queries run beside a turn (so a grain that reads another grain that reads it back never
/// deadlocks) and always see committed state.
/// </summary>
/// <typeparam name="TState">The grain's state; stored as JSON.</typeparam>
public abstract partial class HotlineGrain<TState> : Grain, IIncomingGrainCallFilter, IRemindable, IReceiveMessages
    where TState : class, new()
{
    /// <summary>Handled message ids a grain remembers: a repeat comes within seconds of the first delivery, long before this many others.</summary>
    private const int HandledKept = 4 * IReceiveMessages.MostPerDelivery;

    private static readonly AsyncLocal<TurnContext?> CurrentTurn = new();
    private static readonly ConcurrentDictionary<(Type Grain, Type Message), Func<object, object, Task>> Handlers = new();

    private IGrainStorage storage = null!;
    private TimeProvider time = null!;
    private TurnOptions options = null!;
    private OutboxSignal? outboxSignal;
    private ILogger logger = null!;
    private GrainLogScope? logScope;
    private Committed committed = Committed.Empty;

    /// <summary>The grain's own logger; its lines carry <see cref="LogFields"/>.</summary>
    protected ILogger Logger => logger;

    /// <summary>The grain's key (its id within its type).</summary>
    protected string Key => this.GetPrimaryKeyString();

    /// <summary>The state: this turn's private copy inside a turn, the committed state in a query.</summary>
    protected TState State => (TState)(ActiveTurn?.State ?? committed.State);

    /// <summary>Version of the committed state: 0 before the first write, then one more per stored turn. The grain's ETag.</summary>
    protected long Version => committed.Version;

    /// <summary>The effects of the current turn. Throws in a query: a query cannot change anything.</summary>
    protected ITurn Turn => ActiveTurn ?? throw new InvalidOperationException(
        $"Grain {this.GetGrainId()} is being queried, not called: a query cannot raise events, set reminders or send messages.");

    /// <summary>The stored type name, e.g. <c>ticket</c> (its <c>[GrainType]</c>): what its rows are stored under.</summary>
    private string StateName => this.GetGrainId().Type.ToString()!;

    private TurnContext? ActiveTurn => CurrentTurn.Value is { } turn && ReferenceEquals(turn.Grain, this) ? turn : null;

    /// <summary>
    /// The ids on every log line written during a call to this grain, by Orleans and the storage
    /// too (a ticket's id and project, say), so an operator finds all of them by one id.
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, object?>> LogFields() => [new("Grain", this.GetGrainId().ToString())];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(HotlineStorage.ProviderName);
        time = ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        options = ServiceProvider.GetService<IOptions<TurnOptions>>()?.Value ?? new TurnOptions();
        outboxSignal = ServiceProvider.GetService<OutboxSignal>();
        logger = ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());
        logScope = new GrainLogScope(LogFields);
        await ReloadAsync(cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        using var trace = Activity.Current is null ? GrainTraces.Source.StartActivity($"{context.InterfaceName}/{context.MethodName}") : null;
        using var scope = logScope is null ? null : logger.BeginScope(logScope);
        if (IsQuery(context.InterfaceMethod))
        {
            await context.Invoke();
            return;
        }

        var turn = new TurnContext(this, Copy(committed.Json), time.GetUtcNow(), ServiceProvider);
        CurrentTurn.Value = turn;
        try
        {
            await context.Invoke();
        }
        finally
        {
            CurrentTurn.Value = null;
        }

        await CommitAsync(turn);
    }

    /// <summary>How much earlier than planned a reminder may tick and still be its firing (timer resolution).</summary>
    private static readonly TimeSpan EarlyTickTolerance = TimeSpan.FromSeconds(1);

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        var turn = ActiveTurn!;
        if (committed.Reminders.TryGetValue(reminderName, out var ahead) && ahead - turn.Now > EarlyTickTolerance)
        {
            // A tick of the reminder as it was before the grain moved it later (Orleans may still
            // run the old timer once, e.g. its retry after a firing that re-set it). Taken as the
            // firing, it would spend the reminder and the deadline it now stands for would be lost.
            return;
        }

        turn.Fired = reminderName;
        var dueAt = committed.Reminders.TryGetValue(reminderName, out var planned)
            ? planned
            : new DateTimeOffset(DateTime.SpecifyKind(status.FirstTickTime, DateTimeKind.Utc));
        if (this is IHandleReminders handler)
        {
            await handler.ReceiveReminder(new ReminderTick(reminderName, dueAt, turn.Now));
        }
    }

    async Task IReceiveMessages.Deliver(IReadOnlyList<GrainMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turn = ActiveTurn!;
        foreach (var message in messages)
        {
            // Delivered again after a crash: it was handled, and stored, before.
            if (!committed.Handled.Contains(message.Id) && !turn.Messages.Contains(message.Id))
            {
                turn.Messages.Add(message.Id);
                await HandleAsync(message);
            }
        }
    }

    private async Task HandleAsync(GrainMessage message)
    {
        var handler = Handlers.GetOrAdd((GetType(), message.Body.GetType()), static key =>
        {
            if (!typeof(IHandle<>).MakeGenericType(key.Message).IsAssignableFrom(key.Grain))
            {
                throw new InvalidOperationException($"{key.Grain.Name} does not handle {key.Message.Name}.");
            }

            return typeof(HotlineGrain<TState>).GetMethod(nameof(Handle), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(key.Message)
                .CreateDelegate<Func<object, object, Task>>();
        });
        await handler(this, message.Body);
    }

    private static Task Handle<TMessage>(object grain, object message) where TMessage : IGrainMessage =>
        ((IHandle<TMessage>)grain).Handle((TMessage)message);

    private static bool IsQuery(MethodInfo? method) =>
        method is not null && method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);

    private async Task CommitAsync(TurnContext turn)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes((TState)turn.State, GrainRecordJson.Options);
        var reminders = new SortedDictionary<string, DateTimeOffset>(committed.Reminders, StringComparer.Ordinal);
        var register = new List<(string Name, DateTimeOffset DueAt)>();
        var unregister = new List<string>();
        foreach (var (name, change) in turn.Reminders)
        {
            if (change is { } dueAt)
            {
                // A reminder that just fired is registered again even for the same time: Orleans
                // would otherwise fire it again one retry period later.
                if (!reminders.TryGetValue(name, out var before) || before != dueAt || name == turn.Fired)
                {
                    register.Add((name, dueAt));
                }

                reminders[name] = dueAt;
            }
            else if (reminders.Remove(name) || name == turn.Fired)
            {
                unregister.Add(name);
            }
        }

        // A one-shot reminder is spent once a firing's turn did not set it again.
        if (turn.Fired is { } fired && !turn.Reminders.ContainsKey(fired))
        {
            reminders.Remove(fired);
            unregister.Add(fired);
        }

        var effects = turn.Effects();
        var changed = effects is not null || !json.AsSpan().SequenceEqual(committed.Json) || !reminders.SequenceEqual(committed.Reminders);
        if (changed)
        {
            // Registered before the state that needs them is stored: a crash in between leaves an
            // extra firing, which the grain checks against its state, never a missed deadline.
            foreach (var (name, dueAt) in register)
            {
                // Orleans takes a delay, not an instant: measured now, not at the turn's start, so a
                // slow turn (or a test's clock moved meanwhile) does not push the firing later.
                var dueIn = dueAt - time.GetUtcNow();
                await this.RegisterOrUpdateReminder(name, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, options.ReminderRetryPeriod);
            }

            var handled = committed.Handled;
            if (turn.Messages.Count > 0)
            {
                handled = [.. handled.Concat(turn.Messages).TakeLast(HandledKept)];
            }

            var record = new GrainRecord
            {
                Pending = effects,
                State = JsonSerializer.Deserialize<JsonElement>(json, GrainRecordJson.Options),
                Reminders = reminders,
                Handled = handled,
            };
            var write = new GrainState<GrainRecord>(record, committed.ETag) { RecordExists = committed.ETag is not null };
            try
            {
                await storage.WriteStateAsync(StateName, this.GetGrainId(), write);
            }
            catch (InconsistentStateException exception)
            {
                // Another activation wrote this grain meanwhile (a silo thought dead came back):
                // start again from what is stored, and let the caller retry.
                LogConflict(logger, this.GetGrainId().ToString(), exception);
                await ReloadAsync(CancellationToken.None);
                throw;
            }

            committed = new Committed((TState)turn.State, json, write.ETag, reminders, handled);
            if (effects is { Outbox.Count: > 0 })
            {
                outboxSignal?.Notify();
            }
        }

        foreach (var name in unregister.Distinct(StringComparer.Ordinal))
        {
            await UnregisterAsync(name);
        }
    }

    /// <summary>
    /// Cancels an Orleans reminder after the state that no longer needs it was stored. If that
    /// fails the reminder fires once more, the grain finds nothing due, and it is cancelled then.
    /// </summary>
    private async Task UnregisterAsync(string name)
    {
        try
        {
            if (await this.GetReminder(name) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnregisterFailed(logger, name, this.GetGrainId().ToString(), exception);
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = new GrainState<GrainRecord>(new GrainRecord());
        await storage.ReadStateAsync(StateName, this.GetGrainId(), stored, cancellationToken);
        var record = stored.State ?? new GrainRecord();
        var json = record.State is { } state
            ? JsonSerializer.SerializeToUtf8Bytes(state, GrainRecordJson.Options)
            : JsonSerializer.SerializeToUtf8Bytes(new TState(), GrainRecordJson.Options);
        committed = new Committed(Copy(json), json, stored.ETag, record.Reminders, record.Handled);
    }

    private static TState Copy(byte[] json) => JsonSerializer.Deserialize<TState>(json, GrainRecordJson.Options) ?? new TState();

    /// <summary>The grain as last stored; replaced as a whole, so a query running beside a turn sees one consistent version.</summary>
    private sealed record Committed(
        TState State,
        byte[] Json,
        string? ETag,
        SortedDictionary<string, DateTimeOffset> Reminders,
        List<Guid> Handled)
    {
        public static Committed Empty { get; } = new(new TState(), JsonSerializer.SerializeToUtf8Bytes(new TState(), GrainRecordJson.Options), null, new(StringComparer.Ordinal), []);

        public long Version => ETag is null ? 0 : long.Parse(ETag, CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {Grain} was written by another activation meanwhile; its turn was not stored and it reloads")]
    private static partial void LogConflict(ILogger logger, string grain, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Reminder} of {Grain} could not be cancelled; it will fire once more and be cancelled then")]
    private static partial void LogUnregisterFailed(ILogger logger, string reminder, string grain, Exception exception);
}

/// <summary>Where hotline grains are stored.</summary>
public static class HotlineStorage
{
    /// <summary>The name of the grain storage provider every hotline grain uses.</summary>
    public const string ProviderName = "hotline";
}

/// <summary>How turns use Orleans reminders. Section <c>Reminders</c>.</summary>
public sealed class TurnOptions
{
    public const string Section = "Reminders";

    /// <summary>
    /// The period every one-shot reminder is registered with. A reminder is cancelled once its
    /// firing is handled, so the period matters only when that fails (it is tried again a period
    /// later) or when every silo was down at its due time (it fires within a period of one coming
    /// back). At least Orleans' minimum reminder period.
    /// </summary>
    public TimeSpan ReminderRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How far ahead a silo keeps reminders in memory; later ones are read from the table as they
    /// come near. Null: Orleans' default (10 minutes), which bounds memory with many reminders.
    /// </summary>
    public TimeSpan? LoadingWindow { get; set; }
}
