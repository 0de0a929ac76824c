using System.Collections.Concurrent;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Turns;
using MassTransit;
using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Bench;

/// <summary>Counts how often grain code ran, stored or not: runs ÷ stored turns shows turns that ran but failed to store.</summary>
public sealed class TurnCounter
{
    private long runs;

    public long Runs => Interlocked.Read(ref runs);

    public void CountRun() => Interlocked.Increment(ref runs);
}

/// <summary>The state of the bench counter: one number, so a turn's write is as small as a real grain's can be.</summary>
public sealed class BenchCounterState
{
    public long Value { get; set; }
}

/// <summary>The event a bench turn with effects raises (an event for integrators, so the outbox takes it).</summary>
public sealed record BenchEvent(Guid EventId, string ProjectId, DateTimeOffset OccurredAt, string Actor, string Counter, long Value) : IHotlineEvent
{
    public int SchemaVersion { get; init; } = 1;
}

/// <summary>The bench counter's row in its read model.</summary>
public sealed record BenchCounterRow(string Counter, long Value);

/// <summary>A counter, the smallest grain whose every turn is a real write.</summary>
public interface IBenchCounterGrain : IGrainWithStringKey
{
    /// <summary>Increments the counter: one state write.</summary>
    Task<long> Increment();

    /// <summary>Increments, raises a <see cref="BenchEvent"/> and writes the counter's read-model row: state, outbox row and read-model row in one write.</summary>
    Task<long> IncrementWithEffects();

    /// <summary>Raises <paramref name="count"/> events in one turn (fills the outbox for the relay's measurement).</summary>
    Task Emit(int count);

    /// <summary>A turn that changes nothing: the turn's machinery (state copy, JSON, comparison) without a write.</summary>
    Task<long> Touch();

    /// <summary>A query: an Orleans call that neither copies nor stores anything.</summary>
    [AlwaysInterleave]
    Task<long> Get();
}

[GrainType("bench-counter")]
public sealed class BenchCounterGrain(TurnCounter counter) : HotlineGrain<BenchCounterState>, IBenchCounterGrain
{
    public const string ReadModel = "bench-counters";

    public Task<long> Get() => Task.FromResult(State.Value);

    public Task<long> Increment()
    {
        counter.CountRun();
        State.Value++;
        return Task.FromResult(State.Value);
    }

    public Task<long> IncrementWithEffects()
    {
        counter.CountRun();
        State.Value++;
        Turn.Publish(new BenchEvent(Guid.NewGuid(), "bench", Turn.Now, "bench", Key, State.Value));
        Turn.Project(ReadModel, "bench", Turn.Now, new BenchCounterRow(Key, State.Value));
        return Task.FromResult(State.Value);
    }

    public Task Emit(int count)
    {
        counter.CountRun();
        for (var i = 0; i < count; i++)
        {
            State.Value++;
            Turn.Publish(new BenchEvent(Guid.NewGuid(), "bench", Turn.Now, "bench", Key, State.Value));
        }

        return Task.CompletedTask;
    }

    public Task<long> Touch()
    {
        counter.CountRun();
        return Task.FromResult(State.Value);
    }
}

/// <summary>A reminder to set: its name and when it is due.</summary>
[GenerateSerializer, Immutable]
public sealed record ReminderPlan([property: Id(0)] string Name, [property: Id(1)] DateTimeOffset DueAt);

public sealed class BenchReminderState
{
    public int Set { get; set; }

    public int Fired { get; set; }
}

/// <summary>Sets reminders through a turn, as the product's grains do, and records when each one fires.</summary>
public interface IBenchReminderGrain : IGrainWithStringKey
{
    Task Set(ReminderPlan[] reminders);

    [AlwaysInterleave]
    Task<int> Fired();
}

[GrainType("bench-reminder")]
public sealed class BenchReminderGrain(FiringLog log) : HotlineGrain<BenchReminderState>, IBenchReminderGrain, IHandleReminders
{
    public const string GrainType = "bench-reminder";

    public Task<int> Fired() => Task.FromResult(State.Fired);

    public Task Set(ReminderPlan[] reminders)
    {
        ArgumentNullException.ThrowIfNull(reminders);
        foreach (var reminder in reminders)
        {
            Turn.SetReminder(reminder.Name, reminder.DueAt);
        }

        State.Set += reminders.Length;
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(ReminderTick tick)
    {
        // Wall clock, the clock the due times were computed on; when the grain's code first runs.
        log.Record(Key, tick.Name, DateTimeOffset.UtcNow);
        State.Fired++;
        return Task.CompletedTask;
    }
}

/// <summary>When each measured reminder was due, and when its grain code first ran (shared by every silo of the process).</summary>
public sealed class FiringLog
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset DueAt, string Set)> due = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> firstRun = new(StringComparer.Ordinal);
    private long runs;
    private long unexpected;

    public long Runs => Interlocked.Read(ref runs);

    /// <summary>Firings of reminders that were not in a measured set (a far-future one fired: a bug).</summary>
    public long Unexpected => Interlocked.Read(ref unexpected);

    public int Fired => firstRun.Count;

    public static string Id(string grainKey, string reminder) => grainKey + "/" + reminder;

    public void Expect(string grainKey, string reminder, DateTimeOffset dueAt, string set) => due[Id(grainKey, reminder)] = (dueAt, set);

    public void Record(string grainKey, string reminder, DateTimeOffset ranAt)
    {
        Interlocked.Increment(ref runs);
        var id = Id(grainKey, reminder);
        if (!due.ContainsKey(id))
        {
            Interlocked.Increment(ref unexpected);
            return;
        }

        firstRun.TryAdd(id, ranAt);
    }

    /// <summary>Lag (first run − due time) of every reminder of <paramref name="set"/> that fired, in milliseconds.</summary>
    public double[] LagsMilliseconds(string set) =>
        firstRun.Where(f => due[f.Key].Set == set).Select(f => (f.Value - due[f.Key].DueAt).TotalMilliseconds).ToArray();
}

/// <summary>Counts events that reached a consumer on the bus.</summary>
public sealed class EventCounter
{
    private long received;
    private long firstTicks;
    private long lastTicks;

    public long Received => Interlocked.Read(ref received);

    public long FirstTimestamp => Interlocked.Read(ref firstTicks);

    public long LastTimestamp => Interlocked.Read(ref lastTicks);

    public void Count()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref firstTicks, now, 0);
        Interlocked.Exchange(ref lastTicks, now);
        Interlocked.Increment(ref received);
    }
}

public sealed class BenchEventConsumer(EventCounter counter) : IConsumer<BenchEvent>
{
    public Task Consume(ConsumeContext<BenchEvent> context)
    {
        counter.Count();
        return Task.CompletedTask;
    }
}
