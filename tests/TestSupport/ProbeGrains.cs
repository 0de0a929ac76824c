using HotlineGrains.Contracts;
using HotlineGrains.Silo;

namespace HotlineGrains.Testing;

/// <summary>Which host a probe grain ran on, and how often its code ran there.</summary>
public sealed class ProbeNode(string name)
{
    private int reminderRuns;

    public string Name { get; } = name;

    /// <summary>Times <see cref="ReminderProbeGrain.ReceiveReminder"/> ran on this node, committed or not.</summary>
    public int ReminderRuns => Volatile.Read(ref reminderRuns);

    public void CountReminderRun() => Interlocked.Increment(ref reminderRuns);
}

public sealed record CounterIncremented(Guid EventId, string ProjectId, DateTimeOffset OccurredAt, string Actor, string Counter, int Value) : IHotlineEvent
{
    public int SchemaVersion { get; init; } = 1;
}

public sealed class CounterState
{
    public int Value { get; set; }
}

/// <summary>A counter: the smallest grain that shows lost updates.</summary>
[GrainType("test-counter")]
public sealed class CounterGrain : Grain<CounterState>
{
    public int Value => State.Value;

    public long ETag => Version;

    public Task<int> Increment(bool publish = false)
    {
        State.Value++;
        if (publish)
        {
            Turn.Publish(new CounterIncremented(Guid.NewGuid(), "test", Turn.Now, "test", Key, State.Value));
        }

        return Task.FromResult(State.Value);
    }

    /// <summary>Increments and writes the counter's row in the <c>test-counters</c> read model.</summary>
    public Task<int> IncrementAndProject(string scope, string color, DateTimeOffset sortTime)
    {
        State.Value++;
        Turn.Project(ReadModel, scope, sortTime, new CounterRow(Key, State.Value, color));
        return Task.FromResult(State.Value);
    }

    public Task Unproject()
    {
        Turn.Unproject(ReadModel);
        return Task.CompletedTask;
    }

    public const string ReadModel = "test-counters";

    /// <summary>
    /// Increments and publishes a <see cref="TicketReceived"/> whose ticket id is this counter's key and
    /// whose contact phone is <paramref name="contactPhone"/>: an event that carries a phone number.
    /// </summary>
    public Task<int> IncrementAndReceiveTicket(string contactPhone)
    {
        State.Value++;
        Turn.Publish(new TicketReceived
        {
            EventId = Guid.NewGuid(),
            ProjectId = "test",
            TicketId = Key,
            TicketNumber = $"TS-{State.Value:0000}",
            OccurredAt = Turn.Now,
            Actor = "test",
            Status = "Received",
            Kind = "Complaint",
            Severity = "General",
            Urgent = false,
            Channel = "Phone",
            Category = "维修",
            CustomerName = "王",
            UnitNumber = "3-2-1201",
            ContactPhone = contactPhone,
            Content = "车库照明坏了",
        });
        return Task.FromResult(State.Value);
    }

    /// <summary>Changes state, raises an event, sets a reminder, sends a message and writes a read-model row, then throws: none of it may survive.</summary>
    public Task<int> IncrementThenFail()
    {
        State.Value += 100;
        Turn.Project(ReadModel, "failed", Turn.Now, new CounterRow(Key, State.Value, "red"));
        Turn.Publish(new CounterIncremented(Guid.NewGuid(), "test", Turn.Now, "test", Key, State.Value));
        Turn.Send<PingPongGrain>(Key, new Ping(1));
        Turn.SetReminder("never", Turn.Now.AddSeconds(1));
        throw new InvalidOperationException("the turn fails after its effects were raised");
    }

    /// <summary>Increments only if the caller saw the current version, the way an HTTP If-Match does.</summary>
    public Task<int> IncrementIfVersion(long expected)
    {
        if (expected != Version)
        {
            throw new StaleVersionException(expected, Version);
        }

        State.Value++;
        return Task.FromResult(State.Value);
    }
}

public sealed record CounterRow(string Counter, int Value, string Color);

public sealed class StaleVersionException(long expected, long actual) : Exception($"Expected version {expected}, the grain is at {actual}.");

public sealed class ReminderProbeState
{
    public List<FiringRecord> Firings { get; set; } = [];
}

public sealed record FiringRecord(string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt, long Sequence, string Node);

/// <summary>Keeps a record of every reminder firing that committed, and where it ran.</summary>
[GrainType("test-reminder-probe")]
public sealed class ReminderProbeGrain(ProbeNode node) : Grain<ReminderProbeState>, IRemindable
{
    public IReadOnlyList<FiringRecord> Firings => State.Firings;

    public Task Set(string name, DateTimeOffset dueAt, TimeSpan? period = null)
    {
        Turn.SetReminder(name, dueAt, period);
        return Task.CompletedTask;
    }

    public Task Cancel(string name)
    {
        Turn.CancelReminder(name);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(ReminderTick tick)
    {
        node.CountReminderRun();
        if (tick.Name == StallPrefix + node.Name)
        {
            // Holds the firing's claim until the process is killed, to show the claim dies with it.
            Console.WriteLine($"CLAIMED {tick.Name}");
            await Task.Delay(Timeout.Infinite);
        }

        State.Firings.Add(new FiringRecord(tick.Name, tick.DueAt, tick.FiredAt, tick.Sequence, node.Name));
    }

    /// <summary>A reminder named <c>stall:{node}</c> hangs forever when it fires on that node.</summary>
    public const string StallPrefix = "stall:";
}

public sealed record Ping(int Hops);

public sealed record Pong(int Hops);

public sealed class PingPongState
{
    public List<string> Received { get; set; } = [];
}

/// <summary>
/// Bounces messages between two grains: the first sends to the second in its turn, which sends
/// back to the first. With blocking calls this is the classic actor deadlock.
/// </summary>
[GrainType("test-ping-pong")]
public sealed class PingPongGrain : Grain<PingPongState>, IHandle<Ping>, IHandle<Pong>
{
    public IReadOnlyList<string> Received => State.Received;

    public Task Start(string partner, int hops)
    {
        Turn.Send<PingPongGrain>(partner, new Ping(hops));
        return Task.CompletedTask;
    }

    public Task Handle(Ping message)
    {
        State.Received.Add($"ping {message.Hops}");
        if (message.Hops > 0)
        {
            Turn.Send<PingPongGrain>(Key == "a" ? "b" : "a", new Pong(message.Hops - 1));
        }

        return Task.CompletedTask;
    }

    public Task Handle(Pong message)
    {
        State.Received.Add($"pong {message.Hops}");
        if (message.Hops > 0)
        {
            Turn.Send<PingPongGrain>(Key == "a" ? "b" : "a", new Ping(message.Hops - 1));
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads the partner's state inside a turn, while the partner may be reading ours.</summary>
    public async Task<int> CountPartnerMessages(string partner) =>
        await Turn.ReadAsync<PingPongGrain, int>(partner, p => p.Received.Count);
}
