using Orleans;
using System.Globalization;
using HotlineGrains.Silo;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HotlineGrains.Bench;

/// <summary>A throw-away database: a PostgreSQL database made with the admin connection, or a temp SQLite file.</summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string? adminConnectionString;
    private readonly string? postgresName;
    private readonly string? sqliteFile;

    private ScratchDatabase(string provider, string connectionString, string? adminConnectionString, string? postgresName, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.adminConnectionString = adminConnectionString;
        this.postgresName = postgresName;
        this.sqliteFile = sqliteFile;
    }

    /// <summary>This run's PostgreSQL databases (their backends' CPU is ours, not a neighbour's).</summary>
    public static ICollection<string> Ours => OursSet.Keys;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> OursSet = new(StringComparer.Ordinal);

    public string Provider { get; }

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(string provider, string? postgresAdmin)
    {
        if (provider == StorageOptions.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), "hotline-bench-" + Guid.NewGuid().ToString("N")[..12] + ".db");
            return new ScratchDatabase(provider, $"Data Source={file}", null, null, file);
        }

        var admin = postgresAdmin ?? throw new InvalidOperationException(
            $"{BenchOptions.PostgresVariable} is not set: run scripts/services.sh start and eval \"$(scripts/services.sh env)\", or pass --postgres.");
        var name = await CreatePostgresDatabaseAsync(admin, "hotline_bench_");
        // The production defaults of Npgsql (pool of 100) are kept: the runtime is measured as it ships.
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        return new ScratchDatabase(provider, connectionString, admin, name, null);
    }

    public static async Task<string> CreatePostgresDatabaseAsync(string admin, string prefix)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        OursSet[name] = true;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    public static async Task DropPostgresDatabaseAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {name} with (force)", connection);
        await command.ExecuteNonQueryAsync();
        OursSet.TryRemove(name, out _);
    }

    /// <summary>Runs a scalar query straight on the database (outside the runtime), for sanity checks.</summary>
    public async Task<long> CountAsync(string sql)
    {
        if (sqliteFile is not null)
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        else
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (postgresName is not null && adminConnectionString is not null)
        {
            await DropPostgresDatabaseAsync(adminConnectionString, postgresName);
        }

        if (sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm", sqliteFile + "-journal" })
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                    // A temp file left behind is harmless.
                }
            }
        }
    }
}

/// <summary>Starts a silo host (the real runtime, as AddSilo wires it) with the benchmark grains.</summary>
internal static class BenchSilo
{
    public static Dictionary<string, string?> Settings(
        ScratchDatabase database,
        string concurrency = "Optimistic",
        bool reminders = false,
        bool outbox = false) => new()
    {
        ["Storage:Provider"] = database.Provider,
        ["Storage:ConnectionString"] = database.ConnectionString,
        ["Silo:Concurrency"] = concurrency,
        ["Reminders:Enabled"] = reminders ? "true" : "false",
        ["Outbox:Enabled"] = outbox ? "true" : "false",
        ["Bus:Transport"] = "InMemory",
    };

    public static async Task<IHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter(level => level >= LogLevel.Warning);
        builder.Services.AddSingleton<TurnCounter>();
        builder.Services.AddSingleton<FiringLog>();
        builder.Services.AddSingleton<EventCounter>();
        builder.Services.AddSilo(builder.Configuration, bus => bus.AddConsumer<BenchEventConsumer>())
            .AddGrain<CounterBenchGrain>()
            .AddGrain<ReminderBenchGrain>()
            .AddGrain<OutboxBenchGrain>()
            .AddEventType<BenchEvent>();
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
