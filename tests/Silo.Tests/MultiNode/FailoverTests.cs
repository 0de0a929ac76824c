using System.Collections.Concurrent;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace HotlineGrains.Silo.Tests.MultiNode;

/// <summary>
/// A silo of a two-silo cluster dies (SIGKILL) while callers keep writing, on PostgreSQL and
/// RabbitMQ: nothing acknowledged is lost, the grains come back on the survivor, and the events
/// on the broker match the stored changes one for one.
/// </summary>
public sealed class FailoverTests(PostgresFixture database, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Callers = 16;

    [Fact]
    public async Task A_silo_killed_while_16_callers_write_loses_no_acknowledged_change_and_every_stored_change_has_exactly_its_event()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var sink = new EventSink();
        var settings = Settings();
        using var survivor = await TestSilo.StartAsync(settings, "survivor",
            configureBus: bus => bus.AddConsumer<EventRecorder<CounterIncremented>>(),
            configureServices: services => services.AddSingleton(sink));
        var grains = survivor.Grains();
        await using var doomed = SiloProcess.Start(new Dictionary<string, string?>(settings) { ["Probe:Node"] = "doomed", ["Probe:Command"] = "serve" });
        await doomed.WaitForLineAsync("READY");

        // Twice as many counters as callers, spread over both silos by Orleans' placement.
        var keys = Enumerable.Range(0, Callers * 2).Select(i => $"{run}-{i}").ToArray();
        foreach (var key in keys)
        {
            await grains.GetGrain<ICounterGrain>(key).Increment(publish: true);
        }

        var onDoomed = new List<string>();
        foreach (var key in keys)
        {
            if (await grains.GetGrain<ICounterGrain>(key).Node() == "doomed")
            {
                onDoomed.Add(key);
            }
        }

        Assert.True(onDoomed.Count > 0 && onDoomed.Count < keys.Length, $"grains on both silos ({onDoomed.Count} of {keys.Length} on the one to kill)");

        var acknowledged = new ConcurrentBag<(string Key, int Value)>(keys.Select(k => (k, 1)));
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var writing = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var turn = 0; !stop.IsCancellationRequested; turn++)
            {
                var key = keys[((turn * Callers) + caller) % keys.Length];
                try
                {
                    acknowledged.Add((key, await grains.GetGrain<ICounterGrain>(key).Increment(publish: true)));
                }
                catch (Exception exception) when (exception is Orleans.Runtime.OrleansException or TimeoutException or Orleans.Storage.InconsistentStateException)
                {
                    // The call may or may not have been stored: it was not acknowledged, so it is not counted.
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        await Eventually.Until(() => acknowledged.Count >= keys.Length * 20, "the callers are writing");
        var beforeKill = acknowledged.ToArray();
        await doomed.KillAsync();

        // The grains that lived on the dead silo answer again, from the survivor.
        await Eventually.UntilRecovered(async () =>
        {
            foreach (var key in onDoomed)
            {
                await grains.GetGrain<ICounterGrain>(key).Increment(publish: true);
            }

            return true;
        }, "the dead silo's grains answer again", TimeSpan.FromSeconds(90));
        var afterRecovery = acknowledged.Count;
        await Eventually.Until(() => acknowledged.Count >= afterRecovery + (keys.Length * 5), "the callers write on after the failover");
        await stop.CancelAsync();
        await Task.WhenAll(writing);

        foreach (var key in keys)
        {
            var snapshot = await grains.GetGrain<ICounterGrain>(key).Get();
            Assert.Equal("survivor", await grains.GetGrain<ICounterGrain>(key).Node());
            Assert.Equal(snapshot.Value, snapshot.Version);

            // Every acknowledged increment (before and after the kill) is stored: each value
            // acknowledged once, none above what is stored.
            var acked = acknowledged.Where(a => a.Key == key).Select(a => a.Value).ToList();
            Assert.Equal(acked.Count, acked.Distinct().Count());
            Assert.True(acked.Max() <= snapshot.Value, $"{key}: acknowledged {acked.Max()}, stored {snapshot.Value}");
            Assert.All(beforeKill.Where(a => a.Key == key), a => Assert.True(a.Value <= snapshot.Value));
        }

        // Each stored value 1..n of each counter has its event on the broker, and no event speaks
        // of a value that was not stored (a write that failed). Repeats of one event id may come
        // after a failover (at least once): they are the same event.
        await Eventually.Until(async () =>
        {
            foreach (var key in keys)
            {
                var stored = (await grains.GetGrain<ICounterGrain>(key).Get()).Value;
                if (Distinct(sink, key).Count < stored)
                {
                    return false;
                }
            }

            return true;
        }, "every stored change's event on the broker", TimeSpan.FromSeconds(60));
        var storedTotal = 0;
        foreach (var key in keys)
        {
            var stored = (await grains.GetGrain<ICounterGrain>(key).Get()).Value;
            Assert.Equal(Enumerable.Range(1, stored), Distinct(sink, key).Select(e => e.Value).Order());
            storedTotal += stored;
        }

        var delivered = sink.Of<CounterIncremented>().Count(e => keys.Contains(e.Counter));
        output.WriteLine($"{keys.Length} counters, {onDoomed.Count} on the killed silo; {beforeKill.Length} calls acknowledged before the kill, " +
            $"{acknowledged.Count} in all, {failures} failed; {storedTotal} changes stored, {storedTotal} distinct events on the broker ({delivered} deliveries)");

        await survivor.StopAsync();
    }

    private static List<CounterIncremented> Distinct(EventSink sink, string key) =>
        [.. sink.Of<CounterIncremented>().Where(e => e.Counter == key).DistinctBy(e => e.EventId)];

    private Dictionary<string, string?> Settings()
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Bus:Transport"] = "RabbitMq";
        settings["Bus:RabbitMqUri"] = TestServices.RabbitMqUri;
        return settings;
    }
}
