using System.Data.Common;
using HotlineGrains.Silo.Persistence;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using OrleansSiloBuilder = Orleans.Hosting.ISiloBuilder;
using SchemaDatabase = HotlineGrains.Silo.Storage.PostgresDatabase;
using TestDatabase = HotlineGrains.Testing.PostgresDatabase;

namespace HotlineGrains.Silo.Tests.Persistence;

/// <summary>
/// A minimal Orleans silo for one test class, with the grain storage under test registered twice:
/// as <see cref="ProviderName"/> for the cluster's service id and as <see cref="OtherProviderName"/>
/// for another service id on the same database. The providers are the ones the silo builds, with its
/// lifecycle (the ADO.NET provider loads its queries on start), not hand-made copies.
/// </summary>
public abstract class GrainStorageHost : IAsyncLifetime
{
    public const string ProviderName = "hotline";
    public const string OtherProviderName = "hotline-other-service";
    public const string ServiceId = "hotline-kit";
    public const string OtherServiceId = "hotline-kit-other";

    private IHost? host;

    private IServiceProvider Services => (host ?? throw new InvalidOperationException("not started")).Services;

    public IGrainStorage Storage => Services.GetRequiredKeyedService<IGrainStorage>(ProviderName);

    public IGrainStorage OtherServiceStorage => Services.GetRequiredKeyedService<IGrainStorage>(OtherProviderName);

    /// <summary>A connection to the database the providers write, for looking at its rows.</summary>
    public abstract Task<DbConnection> OpenAsync();

    /// <summary>Creates and migrates the database.</summary>
    protected abstract Task PrepareAsync();

    protected abstract void AddStorage(OrleansSiloBuilder silo, string name);

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        ConfigureServices(builder.Services);
        var clusterId = "kit-" + Guid.NewGuid().ToString("N");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePorts.Next(), gatewayPort: FreePorts.Next(), serviceId: ServiceId, clusterId: clusterId);
            AddStorage(silo, ProviderName);
            AddStorage(silo, OtherProviderName);
        });
        // Orleans' per-provider override of the cluster options: what a provider takes its service id from.
        builder.Services.AddKeyedSingleton(OtherProviderName, new ClusterOptions { ServiceId = OtherServiceId, ClusterId = clusterId });
        host = builder.Build();
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await CleanUpAsync();
    }
}

/// <summary>The hotline's SQLite provider on a fresh file, sharing the node's <see cref="SqliteDatabase"/>.</summary>
public sealed class SqliteGrainStorageHost : GrainStorageHost
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-grain-storage-").FullName;
    private SqliteDatabase? database;

    private SqliteDatabase Database => database ?? throw new InvalidOperationException("not prepared");

    public override async Task<DbConnection> OpenAsync() => await Database.OpenAsync(CancellationToken.None);

    protected override async Task PrepareAsync()
    {
        database = new SqliteDatabase($"Data Source={Path.Combine(directory, "hotline.db")}");
        await database.MigrateAsync(CancellationToken.None);
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IHotlineDatabase>(Database);

    protected override void AddStorage(OrleansSiloBuilder silo, string name) => silo.AddSqliteGrainStorage(name);

    protected override async Task CleanUpAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>Orleans' own ADO.NET provider on a throw-away PostgreSQL database migrated by the project's migrations.</summary>
public sealed class PostgresGrainStorageHost : GrainStorageHost
{
    private TestDatabase? database;

    private string ConnectionString => (database ?? throw new InvalidOperationException("not prepared")).ConnectionString;

    public override async Task<DbConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task PrepareAsync()
    {
        database = await TestDatabase.CreateAsync();
        await using var schema = new SchemaDatabase(ConnectionString);
        await schema.MigrateAsync(CancellationToken.None);
    }

    protected override void AddStorage(OrleansSiloBuilder silo, string name) => silo.AddPostgresGrainStorage(name, ConnectionString);

    protected override async Task CleanUpAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
