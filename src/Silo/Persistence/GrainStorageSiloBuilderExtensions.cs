using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using OrleansSiloBuilder = Orleans.Hosting.ISiloBuilder;

namespace HotlineGrains.Silo.Persistence;

/// <summary>
/// Registers the hotline's grain storage under a provider name, the way Orleans' own providers are
/// registered (a keyed <see cref="Orleans.Storage.IGrainStorage"/>): the SQLite one for the embedded
/// default, Orleans' ADO.NET one on PostgreSQL for production. Both need the schema of the project's
/// migrations (0004 and later), applied before grains are activated.
/// </summary>
public static class GrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Grain state in the node's SQLite database (the <see cref="Storage.IHotlineDatabase"/> of
    /// <c>Storage:Provider</c> Sqlite), beside the outbox and read models it writes with the state.
    /// </summary>
    public static OrleansSiloBuilder AddSqliteGrainStorage(this OrleansSiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteGrainStorage(name);
        return builder;
    }

    /// <inheritdoc cref="AddSqliteGrainStorage(OrleansSiloBuilder, string)"/>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddGrainStorage(name, SqliteGrainStorage.Create);
    }

    /// <summary>
    /// Grain state in PostgreSQL through Orleans' ADO.NET provider, with the hotline's JSON and the
    /// queries of migration 0004 (whose write function also stores a grain record's pending effects).
    /// </summary>
    public static OrleansSiloBuilder AddPostgresGrainStorage(this OrleansSiloBuilder builder, string name, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = JsonGrainStorageSerializer.Instance;
        });
    }
}
