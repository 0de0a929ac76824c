using HotlineGrains.Contracts;
using HotlineGrains.Grains.Turns;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;

namespace HotlineGrains.Testing;

/// <summary>Which host a probe grain ran on, and how often its code ran there.</summary>
public sealed class ProbeNode(string name)
{
    private int reminderRuns;

    public string Name { get; } = name;

    /// <summary>Times <see cref="ReminderProbeGrain.ReceiveReminder"/> ran on this node, stored or not.</summary>
    public int ReminderRuns => Volatile.Read(ref reminderRuns);

    public void CountReminderRun() => Interlocked.Increment(ref reminderRuns);
}

public sealed record CounterIncremented(Guid EventId, string ProjectId, DateTimeOffset OccurredAt, string Actor, string Counter, int Value) : IHotlineEvent
{
    public int SchemaVersion { get; init; } = 1;
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class CounterState
{
    public int Value { get; set; }
}

/// <summary>A counter's value and the version it is at.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record CounterSnapshot(int Value, long Version);

/// <summary>A counter: the smallest grain that shows lost updates.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment(bool publish = false);

    /// <summary>Increments and writes the counter's row in the <c>test-counters</c> read model.</summary>
    Task<int> IncrementAndProject(string scope, string color, DateTimeOffset sortTime);

    Task Unproject();

    /// <summary>Increments and publishes a <see cref="TicketReceived"/> whose contact phone is <paramref name="contactPhone"/>: an event that carries a phone number.</summary>
    Task<int> IncrementAndReceiveTicket(string contactPhone);

    /// <summary>Changes state, raises an event, sets a reminder, sends a message and writes a read-model row, then throws: none of it may survive.</summary>
    Task<int> IncrementThenFail();

    /// <summary>Increments only if the caller saw the current version, the way an HTTP If-Match does.</summary>
    Task<int> IncrementIfVersion(long expected);

    [AlwaysInterleave]
    Task<CounterSnapshot> Get();

    /// <summary>The node (silo) the counter is active on.</summary>
    [AlwaysInterleave]
    Task<string> Node();
}

// Orleans' default placement weighs the silos' load, so a busy test process may see every new
// counter go to the other silo; failover tests need counters on both, which random placement gives.
[GrainType("test-counter")]
[RandomPlacement]
public sealed class CounterGrain(ProbeNode node) : HotlineGrain<CounterState>, ICounterGrain
{
    public const string ReadModel = "test-counters";

    public Task<CounterSnapshot> Get() => Task.FromResult(new CounterSnapshot(State.Value, Version));

    public Task<string> Node() => Task.FromResult(node.Name);

    public Task<int> Increment(bool publish = false)
    {
        State.Value++;
        if (publish)
        {
            Turn.Publish(new CounterIncremented(Guid.NewGuid(), "test", Turn.Now, "test", Key, State.Value));
        }

        return Task.FromResult(State.Value);
    }

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

    public Task<int> IncrementThenFail()
    {
        State.Value += 100;
        Turn.Project(ReadModel, "failed", Turn.Now, new CounterRow(Key, State.Value, "red"));
        Turn.Publish(new CounterIncremented(Guid.NewGuid(), "test", Turn.Now, "test", Key, State.Value));
        Turn.Send<PingPongGrain>(Key, new Ping(1));
        Turn.SetReminder("never", Turn.Now.AddSeconds(1));
        throw new InvalidOperationException("the turn fails after its effects were raised");
    }

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

[GenerateSerializer]
public sealed class StaleVersionException : Exception
{
    public StaleVersionException(long expected, long actual)
        : base($"Expected version {expected}, the grain is at {actual}.")
    {
        Expected = expected;
        Actual = actual;
    }

    [Id(0)]
    public long Expected { get; private set; }

    [Id(1)]
    public long Actual { get; private set; }
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ReminderProbeState
{
    public List<FiringRecord> Firings { get; set; } = [];
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record FiringRecord(string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt, string Node);

/// <summary>Keeps a record of every reminder firing that was stored, and where it ran.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Set(string name, DateTimeOffset dueAt);

    Task Cancel(string name);

    [AlwaysInterleave]
    Task<IReadOnlyList<FiringRecord>> GetFirings();
}

[GrainType("test-reminder-probe")]
public sealed class ReminderProbeGrain(ProbeNode node) : HotlineGrain<ReminderProbeState>, IReminderProbeGrain, IHandleReminders
{
    public Task<IReadOnlyList<FiringRecord>> GetFirings() => Task.FromResult<IReadOnlyList<FiringRecord>>([.. State.Firings]);

    public Task Set(string name, DateTimeOffset dueAt)
    {
        Turn.SetReminder(name, dueAt);
        return Task.CompletedTask;
    }

    public Task Cancel(string name)
    {
        Turn.CancelReminder(name);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(ReminderTick tick)
    {
        node.CountReminderRun();
        State.Firings.Add(new FiringRecord(tick.Name, tick.DueAt, tick.FiredAt, node.Name));
        return Task.CompletedTask;
    }
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Ping(int Hops) : IGrainMessage;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Pong(int Hops) : IGrainMessage;

/// <summary>A message its grain writes down, or refuses (throws) when <see cref="Refused"/>.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record Note(int N, bool Refused = false) : IGrainMessage;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class PingPongState
{
    public List<string> Received { get; set; } = [];
}

/// <summary>
/// Bounces messages between two grains: the first sends to the second in its turn, which sends
/// back to the first. With blocking calls this is the classic actor deadlock.
/// </summary>
public interface IPingPongGrain : IGrainWithStringKey
{
    Task Start(string partner, int hops);

    /// <summary>Sends <paramref name="partner"/> note <paramref name="n"/> (a turn of its own).</summary>
    Task SendNote(string partner, int n);

    /// <summary>Reads the partner's messages inside a turn, while the partner may be reading ours.</summary>
    Task<int> CountPartnerMessages(string partner);

    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetReceived();
}

[GrainType("test-ping-pong")]
public sealed class PingPongGrain : HotlineGrain<PingPongState>, IPingPongGrain, IHandle<Ping>, IHandle<Pong>, IHandle<Note>
{
    public Task SendNote(string partner, int n)
    {
        Turn.Send<PingPongGrain>(partner, new Note(n));
        return Task.CompletedTask;
    }

    public Task Handle(Note message)
    {
        State.Received.Add(message.Refused ? throw new InvalidOperationException($"note {message.N} refused") : $"note {message.N}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetReceived() => Task.FromResult<IReadOnlyList<string>>([.. State.Received]);

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

    public async Task<int> CountPartnerMessages(string partner) =>
        (await GrainFactory.GetGrain<IPingPongGrain>(partner).GetReceived()).Count;
}
