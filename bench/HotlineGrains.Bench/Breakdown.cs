using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Persistence;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;

namespace HotlineGrains.Bench;

/// <summary>What one counter turn sends to PostgreSQL, seen from both ends.</summary>
/// <param name="Turns">Counter turns run while counting (after warm-up, on grains already active).</param>
/// <param name="Commands">Commands Npgsql executed for the silo meanwhile, by their SQL (first line), from Npgsql's own tracing.</param>
/// <param name="ServerTransactions">Transactions PostgreSQL committed in the scratch database meanwhile (pg_stat_database), including the silo's own background work.</param>
/// <param name="BackgroundTransactions">The same over as long a time with the silo idle: membership and reminder bookkeeping.</param>
internal sealed record StatementCount(long Turns, IReadOnlyDictionary<string, long> Commands, long ServerTransactions, long BackgroundTransactions, double Seconds, double IdleSeconds)
{
    public double CommandsPerTurn => Commands.Values.Sum() / (double)Turns;

    public double TransactionsPerTurn => (ServerTransactions - BackgroundTransactions * Seconds / IdleSeconds) / Turns;
}

/// <summary>The JSON work of one counter turn, timed alone on one thread.</summary>
internal sealed record JsonCost(double TurnMicroseconds, double ProviderMicroseconds, int PayloadBytes);

/// <summary>
/// Where a turn's time goes, beyond CPU per turn: how many statements a counter turn costs on
/// PostgreSQL (client commands, server transactions) and what its JSON costs.
/// </summary>
internal static class Breakdown
{
    public static async Task<StatementCount> CountStatementsAsync(BenchOptions options, int callers, double seconds)
    {
        await using var database = await ScratchDatabase.CreateAsync("Postgres", options.PostgresAdmin);
        var host = await BenchSilo.StartAsync(BenchSilo.Settings(database), "statements");
        try
        {
            var grains = Enumerable.Range(0, callers).Select(i => host.Grains().GetGrain<IBenchCounterGrain>($"k{i:D3}")).ToArray();
            foreach (var grain in grains)
            {
                await grain.Increment();
            }

            // Background: the silo alone, for as long as the counting will take.
            var idleBefore = await TransactionsAsync(database);
            var idle = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var idleAfter = await TransactionsAsync(database);
            var idleSeconds = idle.Elapsed.TotalSeconds;

            var commands = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            using var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var text = (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) as string ?? activity.DisplayName;
                    var first = text.Trim().Split('\n')[0].Trim();
                    commands.AddOrUpdate(first.Length > 80 ? first[..80] + "…" : first, 1, (_, n) => n + 1);
                },
            };

            var before = await TransactionsAsync(database);
            ActivitySource.AddActivityListener(listener);
            var watch = Stopwatch.StartNew();
            var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var counts = await Task.WhenAll(grains.Select(grain => Task.Run(async () =>
            {
                long n = 0;
                while (Stopwatch.GetTimestamp() < end)
                {
                    await grain.Increment();
                    n++;
                }

                return n;
            })));
            var elapsed = watch.Elapsed.TotalSeconds;
            listener.ActivityStopped = null;
            var after = await TransactionsAsync(database);
            return new StatementCount(counts.Sum(), commands, after - before, idleAfter - idleBefore, elapsed, idleSeconds);
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
    }

    /// <summary>
    /// Orleans' ADO.NET storage provider alone: the silo's "hotline" <see cref="Orleans.Storage.IGrainStorage"/>
    /// called straight from <paramref name="callers"/> loops, each writing its own grain's record
    /// (the one a counter turn writes) with the ETag of its last write, without a grain call or a turn.
    /// </summary>
    public static async Task<RawResult> ProviderAsync(BenchOptions options, int callers)
    {
        await using var database = await ScratchDatabase.CreateAsync("Postgres", options.PostgresAdmin);
        var host = await BenchSilo.StartAsync(BenchSilo.Settings(database), "provider");
        try
        {
            var storage = Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions
                .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(host.Services, HotlineStorage.ProviderName);
            var states = Enumerable.Range(0, callers)
                .Select(i => (Id: Orleans.Runtime.GrainId.Create("bench-counter", $"k{i:D3}"), State: new Orleans.GrainState<GrainRecord>(new GrainRecord()), Value: new long[1]))
                .ToArray();

            async Task<(long Writes, long[] Latencies)> LoadAsync(TimeSpan duration, bool record)
            {
                var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                var results = await Task.WhenAll(states.Select(s => Task.Run(async () =>
                {
                    var latencies = new List<long>(record ? 16_384 : 0);
                    long writes = 0;
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        var started = Stopwatch.GetTimestamp();
                        s.Value[0]++;
                        s.State.State = new GrainRecord { State = JsonSerializer.SerializeToElement(new BenchCounterState { Value = s.Value[0] }, GrainRecordJson.Options) };
                        await storage.WriteStateAsync("bench-counter", s.Id, s.State);
                        s.State.RecordExists = true;
                        writes++;
                        if (record)
                        {
                            latencies.Add(Stopwatch.GetTimestamp() - started);
                        }
                    }

                    return (writes, latencies);
                })));
                return (results.Sum(r => r.writes), results.SelectMany(r => r.latencies).ToArray());
            }

            if (options.WarmupSeconds > 0)
            {
                await LoadAsync(TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
            }

            var sample = Noise.Start();
            var watch = Stopwatch.StartNew();
            var (count, latencies) = await LoadAsync(TimeSpan.FromSeconds(options.Seconds), record: true);
            var seconds = watch.Elapsed.TotalSeconds;
            var cpu = await Noise.StopAsync(sample);
            return new RawResult(callers, count, seconds, Percentiles.FromTicks(latencies), cpu, ProviderVariant);
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
    }

    /// <summary>The <see cref="RawResult.Variant"/> of the provider-alone measurement.</summary>
    public const string ProviderVariant = "provider";

    /// <summary>
    /// Transactions committed in the scratch database, with every pooled connection of this process
    /// to it closed first: a backend reports its counts when it exits, not at once.
    /// </summary>
    private static async Task<long> TransactionsAsync(ScratchDatabase database)
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(database.ConnectionString));
        await Task.Delay(1500);
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select xact_commit + xact_rollback from pg_stat_database where datname = @name", connection);
        command.Parameters.AddWithValue("name", database.PostgresName!);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The JSON a counter turn does, as <c>HotlineGrain</c> and the provider's serializer do it: copy
    /// the committed state, serialise the new one, compare, turn it into the record's element, and
    /// serialise the grain record for the provider.
    /// </summary>
    public static JsonCost MeasureJson(int iterations = 200_000)
    {
        var committed = JsonSerializer.SerializeToUtf8Bytes(new BenchCounterState { Value = 41 }, GrainRecordJson.Options);
        var payload = 0;

        for (var pass = 0; pass < 2; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            var providerTicks = 0L;
            for (var i = 0; i < iterations; i++)
            {
                var state = JsonSerializer.Deserialize<BenchCounterState>(committed, GrainRecordJson.Options)!;
                state.Value++;
                var json = JsonSerializer.SerializeToUtf8Bytes(state, GrainRecordJson.Options);
                if (json.AsSpan().SequenceEqual(committed))
                {
                    throw new InvalidOperationException("unchanged");
                }

                var record = new GrainRecord { State = JsonSerializer.Deserialize<JsonElement>(json, GrainRecordJson.Options) };
                var provider = Stopwatch.GetTimestamp();
                payload = JsonGrainStorageSerializer.Instance.Serialize(record).ToMemory().Length;
                providerTicks += Stopwatch.GetTimestamp() - provider;
            }

            var total = Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations;
            if (pass == 1)
            {
                return new JsonCost(total, providerTicks * 1e6 / Stopwatch.Frequency / iterations, payload);
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}
