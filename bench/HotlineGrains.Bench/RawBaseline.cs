using System.Diagnostics;
using System.Text.Json;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace HotlineGrains.Bench;

internal sealed record RawResult(int Clients, long Transactions, double Seconds, Percentiles Latency, CpuUse Cpu, string? Variant = null)
{
    public double PerSecond => Transactions / Seconds;
}

/// <summary>
/// The project's write function called straight through Npgsql, without Orleans: per write, a
/// connection from the pool (opened and closed per write, as Orleans' ADO.NET provider does), and
/// the provider's own <c>WriteToStorageKey</c> query as migration 0004 stores it in OrleansQuery
/// (<c>select hotline_write_grain(...)</c>) with the payload a counter turn writes (a grain record
/// serialised by the hotline's JSON serializer). Turns/s ÷ this is what Orleans, the turn and the
/// provider keep of what the write itself can do on this machine.
/// </summary>
internal static class RawBaseline
{
    private const string ServiceId = "hotline";
    private const string GrainType = "bench-counter";

    /// <param name="connectionOptions">Npgsql settings added to the connection string (a variant), or null for the defaults.</param>
    public static async Task<RawResult> RunAsync(BenchOptions options, int clients, string? connectionOptions = null)
    {
        await using var database = await ScratchDatabase.CreateAsync("Postgres", options.PostgresAdmin);
        await database.MigrateAsync();
        await using var source = NpgsqlDataSource.Create(database.ConnectionString + (connectionOptions is null ? string.Empty : ";" + connectionOptions));
        string query;
        await using (var read = source.CreateCommand("select QueryText from OrleansQuery where QueryKey = 'WriteToStorageKey'"))
        {
            query = (string)(await read.ExecuteScalarAsync())!;
        }

        var versions = new int?[clients];
        var values = new long[clients];
        if (options.WarmupSeconds > 0)
        {
            await LoadAsync(source, query, versions, values, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        }

        var sample = Noise.Start();
        var (transactions, seconds, latencies) = await LoadAsync(source, query, versions, values, TimeSpan.FromSeconds(options.Seconds), record: true);
        var cpu = await Noise.StopAsync(sample);
        return new RawResult(clients, transactions, seconds, Percentiles.FromTicks(latencies), cpu, connectionOptions);
    }

    /// <summary>What a counter turn stores: the grain record the turn builds, as the provider's serializer writes it.</summary>
    public static byte[] CounterPayload(long value)
    {
        var record = new GrainRecord { State = JsonSerializer.SerializeToElement(new BenchCounterState { Value = value }, GrainRecordJson.Options) };
        return JsonGrainStorageSerializer.Instance.Serialize(record).ToArray();
    }

    private static async Task<(long Transactions, double Seconds, long[] Latencies)> LoadAsync(
        NpgsqlDataSource source, string query, int?[] versions, long[] values, TimeSpan duration, bool record)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clients = Enumerable.Range(0, versions.Length).Select(i => Task.Run(async () =>
        {
            var latencies = record ? new List<long>(16_384) : null;
            var key = $"k{i:D3}";
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await using (var connection = await source.OpenConnectionAsync())
                await using (var write = new NpgsqlCommand(query, connection))
                {
                    write.Parameters.AddWithValue("ServiceId", ServiceId);
                    write.Parameters.AddWithValue("GrainTypeString", GrainType);
                    write.Parameters.AddWithValue("GrainIdN0", 0L);
                    write.Parameters.AddWithValue("GrainIdN1", 0L);
                    write.Parameters.AddWithValue("GrainIdExtensionString", key);
                    write.Parameters.Add(new NpgsqlParameter("GrainStateVersion", NpgsqlDbType.Integer) { Value = (object?)versions[i] ?? DBNull.Value });
                    write.Parameters.AddWithValue("PayloadBinary", CounterPayload(values[i] + 1));
                    var stored = await write.ExecuteScalarAsync();
                    versions[i] = stored is int version ? version : throw new InvalidOperationException("The raw baseline lost its own version.");
                    values[i]++;
                }

                latencies?.Add(Stopwatch.GetTimestamp() - started);
            }

            return latencies ?? [];
        })).ToArray();
        var results = await Task.WhenAll(clients);
        return (results.Sum(r => (long)r.Count), Stopwatch.GetElapsedTime(start).TotalSeconds, results.SelectMany(r => r).ToArray());
    }
}
