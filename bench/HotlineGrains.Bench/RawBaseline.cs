using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace HotlineGrains.Bench;

internal sealed record RawResult(int Clients, long Transactions, double Seconds, Percentiles Latency, CpuUse Cpu)
{
    public double PerSecond => Transactions / Seconds;
}

/// <summary>
/// The SQL an Optimistic turn on cached state sends, without the runtime: per transaction, a
/// connection from an NpgsqlDataSource (pool defaults), BEGIN, the versioned UPDATE of one
/// grain_state-shaped row with a small JSON state, COMMIT. Turns/s ÷ this is what the runtime keeps
/// of what its own statements can do on this machine.
/// </summary>
internal static class RawBaseline
{
    public static async Task<RawResult> RunAsync(BenchOptions options, int clients)
    {
        await using var database = await ScratchDatabase.CreateAsync("Postgres", options.PostgresAdmin);
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var setup = source.CreateCommand(
            """
            create table grain_state (
                grain_type text not null, grain_key text not null, version bigint not null,
                state jsonb not null, updated_at timestamptz not null, primary key (grain_type, grain_key));
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var versions = new long[clients];
        for (var i = 0; i < clients; i++)
        {
            await using var insert = source.CreateCommand("insert into grain_state values ('bench-counter', @k, 0, '{\"value\":0}'::jsonb, now())");
            insert.Parameters.AddWithValue("k", Key(i));
            await insert.ExecuteNonQueryAsync();
        }

        if (options.WarmupSeconds > 0)
        {
            await LoadAsync(source, versions, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        }

        var sample = Noise.Start();
        var (transactions, seconds, latencies) = await LoadAsync(source, versions, TimeSpan.FromSeconds(options.Seconds), record: true);
        var cpu = await Noise.StopAsync(sample);
        return new RawResult(clients, transactions, seconds, Percentiles.FromTicks(latencies), cpu);
    }

    private static string Key(int i) => $"k{i:D3}";

    private static async Task<(long Transactions, double Seconds, long[] Latencies)> LoadAsync(NpgsqlDataSource source, long[] versions, TimeSpan duration, bool record)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clients = Enumerable.Range(0, versions.Length).Select(i => Task.Run(async () =>
        {
            var latencies = record ? new List<long>(16_384) : null;
            var key = Key(i);
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await using (var connection = await source.OpenConnectionAsync())
                await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted))
                {
                    await using var update = new NpgsqlCommand(
                        "update grain_state set version = @next, state = @s::jsonb, updated_at = @now where grain_type = @t and grain_key = @k and version = @expected",
                        connection,
                        transaction);
                    var next = versions[i] + 1;
                    update.Parameters.AddWithValue("t", "bench-counter");
                    update.Parameters.AddWithValue("k", key);
                    update.Parameters.AddWithValue("s", NpgsqlDbType.Text, $"{{\"value\":{next}}}");
                    update.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
                    update.Parameters.AddWithValue("next", next);
                    update.Parameters.AddWithValue("expected", versions[i]);
                    if (await update.ExecuteNonQueryAsync() != 1)
                    {
                        throw new InvalidOperationException("The raw baseline lost its own version.");
                    }

                    await transaction.CommitAsync();
                    versions[i] = next;
                }

                latencies?.Add(Stopwatch.GetTimestamp() - started);
            }

            return latencies ?? [];
        })).ToArray();
        var results = await Task.WhenAll(clients);
        return (results.Sum(r => (long)r.Count), Stopwatch.GetElapsedTime(start).TotalSeconds, results.SelectMany(r => r).ToArray());
    }
}
