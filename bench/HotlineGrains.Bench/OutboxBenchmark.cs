using System.Diagnostics;

namespace HotlineGrains.Bench;

internal sealed record OutboxResult(
    string Provider,
    int Events,
    double FillSeconds,
    long Received,
    double DrainSeconds,
    double SteadyEventsPerSecond,
    long RowsAtEnd)
{
    public double EventsPerSecond => Received / DrainSeconds;
}

/// <summary>
/// Outbox relay throughput to the in-memory bus: a first silo (relay off) stores the events
/// through grain turns, ten per turn; a second silo with the relay on is started on the same
/// database, and the time until a bus consumer has received every event is measured.
/// </summary>
internal static class OutboxBenchmark
{
    private const int EventsPerTurn = 10;
    private const int Grains = 200;

    public static async Task<OutboxResult> RunAsync(BenchOptions options, string provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider, options.PostgresAdmin);
        var turns = (options.OutboxEvents + EventsPerTurn - 1) / EventsPerTurn;
        var events = turns * EventsPerTurn;

        var filler = await BenchSilo.StartAsync(BenchSilo.Settings(database, relay: false));
        double fillSeconds;
        try
        {
            var grains = filler.Grains();
            var filling = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, turns), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, token) =>
                await grains.GetGrain<IBenchCounterGrain>($"o{t % Grains:D3}").Emit(EventsPerTurn));
            fillSeconds = Stopwatch.GetElapsedTime(filling).TotalSeconds;
        }
        finally
        {
            await BenchSilo.StopAsync(filler);
        }

        var queued = await database.CountAsync("select count(*) from outbox");
        if (queued != events)
        {
            throw new InvalidOperationException($"Expected {events} events in the outbox, found {queued}.");
        }

        // Timed from before the relaying silo starts: its start (bus included) is part of the drain.
        var counter = new EventCounter();
        var started = Stopwatch.GetTimestamp();
        var relay = await BenchSilo.StartAsync(BenchSilo.Settings(database, relay: true), "relay", null, counter);
        try
        {
            var deadline = started + (long)(Stopwatch.Frequency * Math.Max(60, events / 100.0));
            while (counter.Received < events && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(20);
            }

            var drainSeconds = (Math.Max(counter.LastTimestamp, started) - started) / (double)Stopwatch.Frequency;
            var steady = counter.Received > 1
                ? (counter.Received - 1) / ((counter.LastTimestamp - counter.FirstTimestamp) / (double)Stopwatch.Frequency)
                : double.NaN;

            long rows = -1;
            for (var i = 0; i < 50 && (rows = await database.CountAsync("select count(*) from outbox")) > 0; i++)
            {
                await Task.Delay(100);
            }

            return new OutboxResult(provider, events, fillSeconds, counter.Received, drainSeconds, steady, rows);
        }
        finally
        {
            await BenchSilo.StopAsync(relay);
        }
    }
}
