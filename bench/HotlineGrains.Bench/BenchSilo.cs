using System.Globalization;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Testing;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using Orleans;

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

    /// <summary>The admin connection the PostgreSQL database was made with, or null on SQLite.</summary>
    public string? AdminConnectionString => adminConnectionString;

    /// <summary>The PostgreSQL database's name, or null on SQLite.</summary>
    public string? PostgresName => postgresName;

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqliteFile => sqliteFile;

    /// <summary>Brings the schema up to date, as a silo does when it starts (for measurements that use the database without a silo).</summary>
    public async Task MigrateAsync()
    {
        await using var database = HotlineHostingExtensions.CreateDatabase(new StorageOptions { Provider = Provider, ConnectionString = ConnectionString });
        await database.MigrateAsync(CancellationToken.None);
    }

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

/// <summary>
/// Starts a silo host: the service as the gateway and the headless silo run it
/// (<c>builder.AddHotline()</c>: Orleans, the storage provider "hotline", reminders, clustering,
/// migrations, outbox relay, in-memory bus), with the bench grains beside the hotline's.
/// </summary>
internal static class BenchSilo
{
    /// <summary>
    /// The settings of a bench silo on <paramref name="database"/>. On PostgreSQL the silos of one
    /// database form one cluster (ADO.NET membership) on loopback, as <c>TestSilo.Postgres</c> sets it,
    /// with Orleans' default failure detection.
    /// </summary>
    public static Dictionary<string, string?> Settings(ScratchDatabase database, bool relay = false)
    {
        var settings = database.Provider == StorageOptions.Postgres
            ? TestSilo.Postgres(database.ConnectionString)
            : TestSilo.Sqlite(database.SqliteFile!);

        // Orleans' own failure detection, as in production: the tests' fast one (a silo declared
        // dead after two missed one-second probes) suits tests that kill silos, not a bench whose
        // silos stall for seconds while reading a million reminders.
        foreach (var fast in settings.Keys.Where(k => k.StartsWith("Orleans:Membership:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(fast);
        }

        settings["Outbox:Enabled"] = relay ? "true" : "false";
        settings["Bus:Transport"] = "InMemory";
        return settings;
    }

    /// <summary>
    /// Starts one silo. <paramref name="shared"/> are singletons that every silo of the process
    /// shares (the firing log, the event counter), so two silos in one process report to one place.
    /// </summary>
    /// <param name="configure">Runs after the service is wired (to replace or decorate what it registered).</param>
    public static async Task<IHost> StartAsync(IDictionary<string, string?> settings, string node = "bench", Action<IServiceCollection>? configure = null, params object[] shared)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(TestSilo.WithOwnPorts(settings));
        builder.Logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning)
            // Its start-up notes (server GC recommended) would repeat for every silo of the run.
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(new OutboxTypeAssembly(typeof(BenchEvent).Assembly));
        builder.Services.AddSingleton<TurnCounter>();
        foreach (var service in shared)
        {
            builder.Services.AddSingleton(service.GetType(), service);
        }

        builder.Services.TryAddSingleton<FiringLog>();
        builder.Services.TryAddSingleton<EventCounter>();
        TestSilo.Configure(builder, node, bus => bus.AddConsumer<BenchEventConsumer>());
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
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

    /// <summary>Stops every host, all of them even if one fails.</summary>
    public static async Task StopAllAsync(IEnumerable<IHost> hosts)
    {
        var stopping = hosts.Reverse().Select(StopAsync).ToList();
        await Task.WhenAll(stopping);
    }
}
