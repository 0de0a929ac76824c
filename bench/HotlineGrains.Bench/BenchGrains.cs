using System.Collections.Concurrent;
using HotlineGrains.Silo;
using MassTransit;

namespace HotlineGrains.Bench;

/// <summary>Counts how often grain code ran, committed or not: runs ÷ committed turns is the re-run rate.</summary>
public sealed class TurnCounter
{
    private long runs;

    public long Runs => Interlocked.Read(ref runs);

    public void CountRun() => Interlocked.Increment(ref runs);
}

public sealed class CounterBenchState
{
    public long Value { get; set; }
}

/// <summary>The smallest grain whose every turn is a real write: it increments a counter.</summary>
[GrainType("bench-counter")]
public sealed class CounterBenchGrain(TurnCounter counter) : Grain<CounterBenchState>
{
    public long Value => State.Value;

    public Task<long> Increment()
    {
        counter.CountRun();
        State.Value++;
        return Task.FromResult(State.Value);
    }
}

/// <summary>When each measured reminder was due, and when its grain code first ran.</summary>
public sealed class FiringLog
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset DueAt, string Set)> due = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> firstRun = new(StringComparer.Ordinal);
    private long runs;
    private long unexpected;

    public long Runs => Interlocked.Read(ref runs);

    /// <summary>Firings of reminders that were not in the measured set (a far-future one fired: a bug).</summary>
    public long Unexpected => Interlocked.Read(ref unexpected);

    public int Fired => firstRun.Count;

    public int FiredOf(string set) => firstRun.Keys.Count(k => due[k].Set == set);

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

public sealed class ReminderBenchState
{
    public int Set { get; set; }

    public int Fired { get; set; }
}

/// <summary>Sets reminders in bulk, and records when each one fires.</summary>
[GrainType("bench-reminder")]
public sealed class ReminderBenchGrain(FiringLog log) : Grain<ReminderBenchState>, IRemindable
{
    public Task SetMany(IReadOnlyList<(string Name, DateTimeOffset DueAt)> reminders)
    {
        foreach (var (name, dueAt) in reminders)
        {
            Turn.SetReminder(name, dueAt);
        }

        State.Set += reminders.Count;
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(ReminderTick tick)
    {
        // Wall clock, the same clock the due times were computed on.
        log.Record(Key, tick.Name, DateTimeOffset.UtcNow);
        State.Fired++;
        return Task.CompletedTask;
    }
}

public sealed record BenchEvent(Guid Id, string Grain, long Sequence);

public sealed class OutboxBenchState
{
    public long Published { get; set; }
}

/// <summary>Publishes events through the transactional outbox.</summary>
[GrainType("bench-outbox")]
public sealed class OutboxBenchGrain(TurnCounter counter) : Grain<OutboxBenchState>
{
    public long Published => State.Published;

    public Task Emit(int count)
    {
        counter.CountRun();
        for (var i = 0; i < count; i++)
        {
            State.Published++;
            Turn.Publish(new BenchEvent(Guid.NewGuid(), Key, State.Published));
        }

        return Task.CompletedTask;
    }
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
