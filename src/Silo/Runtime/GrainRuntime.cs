using System.Collections.Concurrent;
using System.Text.Json;
using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Silo.Runtime;

/// <summary>
/// Runs grain turns. A turn is one database transaction: it reads (or reuses) the grain's state,
/// runs the grain code on a private copy, then writes the state, its events, messages and
/// reminder changes together, guarded by the state's version. Inside this process the turns of
/// one grain queue on its activation's gate; across processes the version check (or row lock)
/// serialises them, and a turn that lost the race is re-run on fresh state.
/// </summary>
internal sealed partial class GrainRuntime(
    IHotlineDatabase storage,
    GrainTypeRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    IOptions<SiloOptions> options,
    RuntimeSignals signals,
    ILogger<GrainRuntime> logger) : IGrainClient, IReadModels
{
    public const string MessageReminderPrefix = "message:";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<GrainId, Activation> activations = new();
    private readonly SiloOptions options = options.Value;

    public int ActivationCount => activations.Count;

    public async Task<TResult> CallAsync<TGrain, TResult>(string key, Func<TGrain, Task<TResult>> turn, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain
    {
        ArgumentNullException.ThrowIfNull(turn);
        var type = registry.Get(typeof(TGrain));
        var outcome = await RunTurnAsync(type, Address(type, key), null,
            async (grain, _) => (object?)await turn((TGrain)grain), cancellationToken);
        return (TResult)outcome.Result!;
    }

    public Task CallAsync<TGrain>(string key, Func<TGrain, Task> turn, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain
    {
        ArgumentNullException.ThrowIfNull(turn);
        return CallAsync<TGrain, object?>(key, async grain =>
        {
            await turn(grain);
            return null;
        }, cancellationToken);
    }

    public async Task<TResult> ReadAsync<TGrain, TResult>(string key, Func<TGrain, TResult> query, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain
    {
        ArgumentNullException.ThrowIfNull(query);
        var type = registry.Get(typeof(TGrain));
        var id = Address(type, key);
        var stored = await storage.ReadStateAsync(id, cancellationToken);
        var grain = CreateGrain(type, id, stored?.StateJson, stored?.Version ?? 0, null);
        return query((TGrain)grain);
    }

    public async Task SendAsync<TGrain>(string key, object message, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain
    {
        ArgumentNullException.ThrowIfNull(message);
        var target = ResolveMessageTarget<TGrain>(key, message);
        await using var transaction = await storage.BeginAsync(cancellationToken);
        await transaction.EnqueueMessageAsync(target, Guid.NewGuid(), GrainTypeRegistry.NameOf(message.GetType()),
            JsonSerializer.Serialize(message, message.GetType(), Json), time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signals.RemindersChanged();
    }

    public async Task<ReadModelPage<T>> QueryAsync<T>(ReadModelQuery query, CancellationToken cancellationToken = default)
    {
        var (documents, total) = await storage.QueryReadModelAsync(query, cancellationToken);
        return new ReadModelPage<T>(documents.Select(d => JsonSerializer.Deserialize<T>(d, Json)!).ToList(), total);
    }

    /// <summary>
    /// Fires one due reminder or message in a turn of its grain. Returns false when there was
    /// nothing to do: another node holds it, or it was already fired and consumed.
    /// </summary>
    internal async Task<bool> FireAsync(DueReminder due, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(due.Grain.Type, out var type))
        {
            // Perhaps a newer node knows it: leave it to be tried again later.
            throw new InvalidOperationException($"Reminder {due.Name} belongs to grain type {due.Grain.Type}, which this node does not know.");
        }

        var outcome = await RunTurnAsync(type, due.Grain, due.Id, async (grain, claimed) =>
        {
            if (claimed!.IsMessage)
            {
                var messageType = registry.MessageType(claimed.PayloadType!);
                if (messageType is null || !registry.Handles(type.Class, messageType))
                {
                    // Nobody can ever handle it: consume it rather than retrying forever.
                    LogUndeliverableMessage(logger, claimed.PayloadType!, due.Grain.ToString());
                    return null;
                }

                var message = JsonSerializer.Deserialize(claimed.PayloadJson!, messageType, Json)!;
                await registry.Dispatch(grain, message);
            }
            else if (grain is IRemindable remindable)
            {
                await remindable.ReceiveReminder(new ReminderTick(claimed.Name, claimed.DueAt, time.GetUtcNow(), claimed.Sequence, claimed.Period));
            }
            else
            {
                LogNotRemindable(logger, due.Grain.ToString(), claimed.Name);
            }

            return null;
        }, cancellationToken);
        return outcome.Ran;
    }

    private async Task<(bool Ran, object? Result)> RunTurnAsync(
        GrainType type,
        GrainId id,
        long? claimId,
        Func<IGrain, DueReminder?, Task<object?>> body,
        CancellationToken cancellationToken)
    {
        var activation = await EnterAsync(id, cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var now = time.GetUtcNow();
                await using var transaction = await storage.BeginAsync(cancellationToken);
                DueReminder? claimed = null;
                if (claimId is { } reminderId)
                {
                    claimed = await transaction.ClaimAsync(reminderId, now, cancellationToken);
                    if (claimed is null)
                    {
                        return (false, null);
                    }
                }

                // A turn that lost a race re-runs under the row lock: the lock holder always commits,
                // so a hot grain shared by several nodes cannot starve any of them.
                var rowLock = options.Concurrency == TurnConcurrency.RowLock || attempt > 1;
                if (rowLock || !activation.IsLoaded)
                {
                    var stored = await transaction.ReadStateAsync(id, rowLock, cancellationToken);
                    activation.Load(stored?.StateJson, stored?.Version ?? 0);
                }

                var turn = new TurnContext(this, id, now);
                var grain = CreateGrain(type, id, activation.StateJson, activation.Version, turn);
                var result = await body(grain, claimed);

                var stateJson = JsonSerializer.Serialize(((IStatefulGrain)grain).State, ((IStatefulGrain)grain).StateType, Json);
                var stateChanged = !string.Equals(stateJson, activation.StateJson, StringComparison.Ordinal);
                var committed = await TryCommitAsync(transaction, id, activation, turn, claimed, stateJson, stateChanged, rowLock, cancellationToken);
                if (committed is { } version)
                {
                    activation.Load(stateChanged ? stateJson : activation.StateJson, version);
                    AfterCommit(turn);
                    return (true, result);
                }

                activation.Invalidate();
                if (attempt >= options.MaxTurnAttempts)
                {
                    throw new GrainConflictException(id, attempt);
                }

                LogTurnConflict(logger, id.ToString(), attempt);
            }
        }
        finally
        {
            Leave(activation);
        }
    }

    /// <summary>Writes the turn; returns the committed version, or null if another node changed the grain first.</summary>
    private async Task<long?> TryCommitAsync(
        IGrainTransaction transaction,
        GrainId id,
        Activation activation,
        TurnContext turn,
        DueReminder? claimed,
        string stateJson,
        bool stateChanged,
        bool rowLock,
        CancellationToken cancellationToken)
    {
        // Nothing to write: a read-only turn still proves it saw the current state.
        if (!stateChanged && !turn.HasEffects && claimed is null)
        {
            return rowLock || await transaction.IsCurrentAsync(id, activation.Version, cancellationToken) ? activation.Version : null;
        }

        try
        {
            // Reminder rows are locked before the state row, the same order a firing takes them
            // (claim first), so a firing and a turn that edits the same reminder never deadlock.
            if (claimed is not null)
            {
                await transaction.CompleteAsync(claimed, NextDue(claimed, turn.Now), cancellationToken);
            }

            foreach (var (name, change) in turn.Reminders)
            {
                if (change is { } set)
                {
                    await transaction.SetReminderAsync(id, name, set.DueAt, set.Period, cancellationToken);
                }
                else
                {
                    await transaction.CancelReminderAsync(id, name, cancellationToken);
                }
            }

            long version;
            if (stateChanged)
            {
                if (await transaction.WriteStateAsync(id, stateJson, activation.Version, turn.Now, cancellationToken) is not { } written)
                {
                    return null;
                }

                version = written;
            }
            else
            {
                if (!rowLock && !await transaction.IsCurrentAsync(id, activation.Version, cancellationToken))
                {
                    return null;
                }

                version = activation.Version;
            }

            foreach (var (target, message) in turn.Messages)
            {
                await transaction.EnqueueMessageAsync(target, Guid.NewGuid(), GrainTypeRegistry.NameOf(message.GetType()),
                    JsonSerializer.Serialize(message, message.GetType(), Json), turn.Now, cancellationToken);
            }

            foreach (var (model, row) in turn.ReadModels)
            {
                await transaction.SetReadModelAsync(model, id.Key, row?.Scope ?? string.Empty, row?.SortTime ?? turn.Now,
                    row is { } written ? JsonSerializer.Serialize(written.Document, written.Document.GetType(), Json) : null, turn.Now, cancellationToken);
            }

            foreach (var @event in turn.Events)
            {
                var messageId = @event is Contracts.IHotlineEvent hotline ? hotline.EventId : Guid.NewGuid();
                await transaction.AppendOutboxAsync(id, messageId, GrainTypeRegistry.NameOf(@event.GetType()),
                    JsonSerializer.Serialize(@event, @event.GetType(), Json), turn.Now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return version;
        }
        catch (Exception exception) when (StorageErrors.IsConflict(exception))
        {
            return null;
        }
    }

    /// <summary>A periodic reminder's next due time after a firing: missed periods are skipped, not fired in a burst.</summary>
    private static DateTimeOffset? NextDue(DueReminder claimed, DateTimeOffset now)
    {
        if (claimed.Period is not { } period)
        {
            return null;
        }

        var next = claimed.DueAt + period;
        if (next <= now)
        {
            var missed = (now - claimed.DueAt).Ticks / period.Ticks;
            next = claimed.DueAt + TimeSpan.FromTicks(period.Ticks * (missed + 1));
        }

        return next;
    }

    private void AfterCommit(TurnContext turn)
    {
        if (turn.Reminders.Count > 0 || turn.Messages.Count > 0)
        {
            signals.RemindersChanged();
        }

        if (turn.Events.Count > 0)
        {
            signals.OutboxChanged();
        }
    }

    private IGrain CreateGrain(GrainType type, GrainId id, string? stateJson, long version, ITurn? turn)
    {
        var grain = (IStatefulGrain)type.Factory(services, null);
        var state = stateJson is null
            ? Activator.CreateInstance(grain.StateType)!
            : JsonSerializer.Deserialize(stateJson, grain.StateType, Json)!;
        grain.Attach(id, state, version, turn);
        return (IGrain)grain;
    }

    private static GrainId Address(GrainType type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new GrainId(type.Name, key);
    }

    internal GrainId ResolveMessageTarget<TGrain>(string key, object message) where TGrain : class, IGrain
    {
        var type = registry.Get(typeof(TGrain));
        if (!registry.Handles(type.Class, message.GetType()))
        {
            throw new InvalidOperationException($"{type.Class.Name} does not handle {message.GetType().Name} (IHandle<{message.GetType().Name}>).");
        }

        return Address(type, key);
    }

    internal void EnsurePublishable(Type eventType)
    {
        if (!registry.IsEventType(eventType))
        {
            throw new InvalidOperationException($"{eventType} is not a registered event type (AddEventType<{eventType.Name}>()).");
        }
    }

    private async Task<Activation> EnterAsync(GrainId id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = activations.GetOrAdd(id, static key => new Activation(key));
            await activation.Gate.WaitAsync(cancellationToken);
            if (!activation.IsCollected)
            {
                return activation;
            }

            activation.Gate.Release();
        }
    }

    private void Leave(Activation activation)
    {
        activation.LastUsedTimestamp = time.GetTimestamp();
        activation.Gate.Release();
    }

    /// <summary>Drops activations idle for longer than the configured time. Returns how many were dropped.</summary>
    internal int CollectIdle()
    {
        var idleTicks = (long)(options.IdleActivationTimeout.TotalSeconds * time.TimestampFrequency);
        var now = time.GetTimestamp();
        var dropped = 0;
        foreach (var (id, activation) in activations)
        {
            if (now - activation.LastUsedTimestamp < idleTicks || !activation.Gate.Wait(0))
            {
                continue;
            }

            activation.IsCollected = true;
            activations.TryRemove(new KeyValuePair<GrainId, Activation>(id, activation));
            activation.Gate.Release();
            dropped++;
        }

        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Turn of {Grain} lost a race with another node (attempt {Attempt}); re-running on fresh state")]
    private static partial void LogTurnConflict(ILogger logger, string grain, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message of type {MessageType} to {Grain} cannot be handled and is dropped")]
    private static partial void LogUndeliverableMessage(ILogger logger, string messageType, string grain);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain {Grain} has reminder {Reminder} but does not implement IRemindable; the firing is dropped")]
    private static partial void LogNotRemindable(ILogger logger, string grain, string reminder);
}

/// <summary>A turn kept losing races with other nodes and was given up; nothing it did was kept.</summary>
public sealed class GrainConflictException(GrainId grain, int attempts)
    : Exception($"Grain {grain} was changed by others {attempts} times while this turn ran; it was not applied.")
{
    public GrainId Grain { get; } = grain;
}
