using HotlineGrains.Silo.Runtime;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests.Storage;

/// <summary>
/// What every storage provider must do. A provider is tested by deriving from this kit and naming
/// its settings; the tests are the same for all.
/// </summary>
public abstract class GrainStorageKit : IAsyncLifetime
{
    private IHost? host;

    protected ManualClock Clock { get; } = new();

    protected EventSink Events { get; } = new();

    protected IHost Host => host ?? throw new InvalidOperationException("not started");

    protected IGrainClient Grains => Host.Grains();

    protected IReadModels ReadModels => Host.Services.GetRequiredService<IReadModels>();

    internal IHotlineDatabase Storage => Host.Services.GetRequiredService<IHotlineDatabase>();

    internal GrainRuntime Runtime => Host.Services.GetRequiredService<GrainRuntime>();

    protected abstract Dictionary<string, string?> Settings();

    protected static string NewKey() => Guid.NewGuid().ToString("N");

    public async Task InitializeAsync()
    {
        var settings = Settings();
        settings["Reminders:PollInterval"] = "00:00:01";
        host = await TestSilo.StartAsync(settings, time: Clock,
            configureBus: bus => bus.AddConsumer<EventRecorder<CounterIncremented>>(),
            configureServices: services => services.AddSingleton(Events));
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task State_round_trips_through_storage()
    {
        var key = NewKey();
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());

        var stored = await Storage.ReadStateAsync(new GrainId("test-counter", key), default);

        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(stored.StateJson).RootElement.GetProperty("value").GetInt32());
        Assert.Equal(2, await Grains.ReadAsync<CounterGrain, int>(key, c => c.Value));
    }

    [Fact]
    public async Task A_stale_version_is_detected_and_writes_nothing()
    {
        var id = new GrainId("test-counter", NewKey());
        await using (var first = await Storage.BeginAsync(default))
        {
            Assert.Equal(1, await first.WriteStateAsync(id, """{"value":1}""", 0, Clock.GetUtcNow(), default));
            await first.CommitAsync(default);
        }

        await using (var creatingAgain = await Storage.BeginAsync(default))
        {
            Assert.Null(await creatingAgain.WriteStateAsync(id, """{"value":9}""", 0, Clock.GetUtcNow(), default));
        }

        await using (var stale = await Storage.BeginAsync(default))
        {
            Assert.Null(await stale.WriteStateAsync(id, """{"value":9}""", 5, Clock.GetUtcNow(), default));
            Assert.False(await stale.IsCurrentAsync(id, 5, default));
            Assert.True(await stale.IsCurrentAsync(id, 1, default));
        }

        var stored = await Storage.ReadStateAsync(id, default);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(stored.StateJson).RootElement.GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task A_caller_with_a_stale_version_is_refused()
    {
        var key = NewKey();
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());
        var seen = await Grains.ReadAsync<CounterGrain, long>(key, c => c.ETag);
        await Grains.CallAsync<CounterGrain, int>(key, c => c.IncrementIfVersion(seen));

        await Assert.ThrowsAsync<StaleVersionException>(() => Grains.CallAsync<CounterGrain, int>(key, c => c.IncrementIfVersion(seen)));
        Assert.Equal(2, await Grains.ReadAsync<CounterGrain, int>(key, c => c.Value));
    }

    [Fact]
    public async Task Hundred_concurrent_calls_to_one_grain_leave_the_counter_at_exactly_100()
    {
        var key = NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Grains.CallAsync<CounterGrain, int>(key, c => c.Increment()))));

        Assert.Equal(100, await Grains.ReadAsync<CounterGrain, int>(key, c => c.Value));
        Assert.Equal(Enumerable.Range(1, 100), results.Order());
    }

    [Fact]
    public async Task A_turn_that_throws_leaves_no_state_event_message_or_reminder()
    {
        var key = NewKey();
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());

        await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.CallAsync<CounterGrain, int>(key, c => c.IncrementThenFail()));

        Assert.Equal(1, await Grains.ReadAsync<CounterGrain, int>(key, c => c.Value));
        Assert.Equal(1, (await Storage.ReadStateAsync(new GrainId("test-counter", key), default))!.Version);
        var everything = await Storage.GetDueAsync(Clock.GetUtcNow().AddYears(1), 1000, default);
        Assert.DoesNotContain(everything, r => r.Grain.Key == key);
        // The cached state was not touched either: the next turn counts on from 1. Its event is
        // relayed after anything the failed turn could have left in the outbox.
        Assert.Equal(2, await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true)));
        await Eventually.Until(() => Events.Of<CounterIncremented>().Any(e => e.Counter == key), "the committed turn's event");
        Assert.Equal([2], Events.Of<CounterIncremented>().Where(e => e.Counter == key).Select(e => e.Value));
        Assert.Empty(await Grains.ReadAsync<PingPongGrain, IReadOnlyList<string>>(key, g => g.Received));
        Assert.Equal(0, (await ReadModels.QueryAsync<CounterRow>(new ReadModelQuery(CounterGrain.ReadModel, ["failed"]))).Total);
    }

    [Fact]
    public async Task Events_of_a_committed_turn_reach_the_bus_with_their_event_id()
    {
        var key = NewKey();

        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true));
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.CallAsync<CounterGrain, int>(key, c => c.IncrementThenFail()));
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true));

        await Eventually.Until(() => Events.Of<CounterIncremented>().Count(e => e.Counter == key) >= 3, "three events on the bus");
        var received = Events.Received.Where(r => r.Message is CounterIncremented e && e.Counter == key).ToList();
        Assert.Equal([1, 2, 3], received.Select(r => ((CounterIncremented)r.Message).Value));
        Assert.All(received, r => Assert.Equal(((CounterIncremented)r.Message).EventId, r.MessageId));
    }

    [Fact]
    public async Task Reminder_set_in_a_turn_fires_at_its_due_time_and_not_before()
    {
        var key = NewKey();
        var due = Clock.GetUtcNow().AddSeconds(30);
        await Grains.CallAsync<ReminderProbeGrain>(key, p => p.Set("sla", due));

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await Runtime.FireDueNowAsync(Host));
        Assert.Empty(await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings));

        Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Until(async () => (await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings)).Count == 1, "the reminder fired");

        var firing = Assert.Single(await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings));
        Assert.Equal(due, firing.DueAt);
        Assert.True(firing.FiredAt >= due);
        // A one-shot reminder is gone once it fired.
        Assert.DoesNotContain(await Storage.GetDueAsync(Clock.GetUtcNow().AddYears(1), 1000, default), r => r.Grain.Key == key);
    }

    [Fact]
    public async Task A_periodic_reminder_fires_once_per_period_and_skips_periods_it_missed()
    {
        var key = NewKey();
        var start = Clock.GetUtcNow().AddSeconds(10);
        await Grains.CallAsync<ReminderProbeGrain>(key, p => p.Set("watch", start, TimeSpan.FromMinutes(1)));

        Clock.AdvanceTo(start);
        await WaitForFirings(key, 1);
        Clock.AdvanceTo(start.AddMinutes(1));
        await WaitForFirings(key, 2);
        // Ten periods pass while nobody looks: one catch-up firing, not ten.
        Clock.Jump(start.AddMinutes(11).AddSeconds(30) - Clock.GetUtcNow());
        await WaitForFirings(key, 3);
        Assert.Equal(0, await Runtime.FireDueNowAsync(Host));

        var firings = await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings);
        Assert.Equal([start, start.AddMinutes(1), start.AddMinutes(2)], firings.Select(f => f.DueAt));
        Assert.Equal([0L, 1L, 2L], firings.Select(f => f.Sequence));
        var next = Assert.Single(await Storage.GetDueAsync(Clock.GetUtcNow().AddYears(1), 1000, default), r => r.Grain.Key == key);
        Assert.Equal(start.AddMinutes(12), next.DueAt);
    }

    [Fact]
    public async Task A_cancelled_reminder_never_fires()
    {
        var key = NewKey();
        await Grains.CallAsync<ReminderProbeGrain>(key, p => p.Set("callback", Clock.GetUtcNow().AddSeconds(5)));
        await Grains.CallAsync<ReminderProbeGrain>(key, p => p.Cancel("callback"));

        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await Runtime.FireDueNowAsync(Host));
        Assert.Empty(await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings));
    }

    [Fact]
    public async Task A_claimed_firing_is_consumed_once_and_a_second_claim_finds_nothing()
    {
        var key = NewKey();
        var dueAt = Clock.GetUtcNow().AddMinutes(1);
        await Grains.CallAsync<ReminderProbeGrain>(key, p => p.Set("once", dueAt));
        var due = Assert.Single(await Storage.GetDueAsync(dueAt, 1000, default), r => r.Grain.Key == key);
        Clock.Jump(TimeSpan.FromMinutes(1));

        // The node's own reminder loop races these two for the same firing: one of the three wins.
        var fired = await Task.WhenAll(Runtime.FireAsync(due, default), Runtime.FireAsync(due, default));
        await WaitForFirings(key, 1);

        Assert.False(await Runtime.FireAsync(due, default));
        Assert.True(fired.Count(f => f) <= 1);
        Assert.Single(await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings));
    }

    [Fact]
    public async Task Grains_that_message_each_other_back_and_forth_do_not_deadlock()
    {
        // Keys "a" and "b" are what PingPongGrain bounces between; a fresh database per class keeps them apart.
        await Grains.CallAsync<PingPongGrain>("a", g => g.Start("b", 6));

        // "ping 0" to b is the last message of the exchange.
        await Eventually.Until(async () => (await Grains.ReadAsync<PingPongGrain, IReadOnlyList<string>>("b", g => g.Received)).Count == 4, "b received the last ping");
        Assert.Equal(["ping 6", "ping 4", "ping 2", "ping 0"], await Grains.ReadAsync<PingPongGrain, IReadOnlyList<string>>("b", g => g.Received));
        Assert.Equal(["pong 5", "pong 3", "pong 1"], await Grains.ReadAsync<PingPongGrain, IReadOnlyList<string>>("a", g => g.Received));
    }

    [Fact]
    public async Task Two_grains_reading_each_other_inside_their_turns_do_not_block()
    {
        var one = NewKey();
        var two = NewKey();

        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? Grains.CallAsync<PingPongGrain, int>(one, g => g.CountPartnerMessages(two))
            : Grains.CallAsync<PingPongGrain, int>(two, g => g.CountPartnerMessages(one))));

        Assert.All(reads, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task Idle_activations_are_dropped_and_come_back_with_their_state()
    {
        var key = NewKey();
        var start = Clock.GetUtcNow();
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());
        Assert.Equal(1, Runtime.ActivationCount);

        // The collector's timer starts with the host's background services, so time is moved on
        // in steps until it has looked.
        await Eventually.Until(() =>
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            return Runtime.ActivationCount == 0;
        }, "idle activations collected");
        Assert.True(Clock.GetUtcNow() - start >= SiloOptions.DefaultIdleActivationTimeout);

        Assert.Equal(2, await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment()));
    }

    [Fact]
    public async Task Read_model_rows_written_in_turns_are_queried_by_scope_time_and_field()
    {
        var scope = NewKey();
        var t0 = Clock.GetUtcNow();
        string[] colors = ["red", "green", "red", "blue", "red"];
        for (var i = 0; i < colors.Length; i++)
        {
            var color = colors[i];
            var at = t0.AddMinutes(i);
            await Grains.CallAsync<CounterGrain, int>($"{scope}-{i}", c => c.IncrementAndProject(scope, color, at));
        }

        await Grains.CallAsync<CounterGrain, int>($"{scope}-other", c => c.IncrementAndProject(NewKey(), "red", t0));
        // A second turn replaces the grain's row instead of adding one.
        await Grains.CallAsync<CounterGrain, int>($"{scope}-0", c => c.IncrementAndProject(scope, "red", t0));

        var all = await ReadModels.QueryAsync<CounterRow>(new ReadModelQuery(CounterGrain.ReadModel, [scope]));
        Assert.Equal(5, all.Total);
        Assert.Equal([$"{scope}-4", $"{scope}-3", $"{scope}-2", $"{scope}-1", $"{scope}-0"], all.Items.Select(r => r.Counter));
        Assert.Equal(2, all.Items[^1].Value);

        var reds = await ReadModels.QueryAsync<CounterRow>(new ReadModelQuery(CounterGrain.ReadModel, [scope])
        {
            Filters = new Dictionary<string, string> { ["color"] = "red" },
            From = t0.AddMinutes(1),
            To = t0.AddMinutes(5),
            Ascending = true,
        });
        Assert.Equal([$"{scope}-2", $"{scope}-4"], reds.Items.Select(r => r.Counter));

        var page = await ReadModels.QueryAsync<CounterRow>(new ReadModelQuery(CounterGrain.ReadModel, [scope]) { Offset = 1, Limit = 2 });
        Assert.Equal(5, page.Total);
        Assert.Equal([$"{scope}-3", $"{scope}-2"], page.Items.Select(r => r.Counter));

        await Grains.CallAsync<CounterGrain>($"{scope}-4", c => c.Unproject());
        Assert.Equal(4, (await ReadModels.QueryAsync<CounterRow>(new ReadModelQuery(CounterGrain.ReadModel, [scope]))).Total);
    }

    [Fact]
    public async Task A_read_model_filter_on_a_field_that_is_not_a_plain_name_is_refused()
    {
        var query = new ReadModelQuery(CounterGrain.ReadModel, ["x"]) { Filters = new Dictionary<string, string> { ["color') or 1=1 --"] = "red" } };

        await Assert.ThrowsAsync<ArgumentException>(() => ReadModels.QueryAsync<CounterRow>(query));
    }

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        var key = NewKey();
        await Grains.CallAsync<CounterGrain, int>(key, c => c.Increment());

        await Storage.MigrateAsync(default);

        Assert.Equal(1, await Grains.ReadAsync<CounterGrain, int>(key, c => c.Value));
    }

    private async Task WaitForFirings(string key, int count) =>
        await Eventually.Until(async () => (await Grains.ReadAsync<ReminderProbeGrain, IReadOnlyList<FiringRecord>>(key, p => p.Firings)).Count >= count, $"{count} firings of {key}");
}
