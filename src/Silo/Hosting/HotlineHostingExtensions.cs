using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Bus;
using HotlineGrains.Silo.Floor;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Silo.Persistence;
using HotlineGrains.Silo.Reminders;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using HotlineGrains.Silo.Telemetry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Orleans.Reminders;
using Orleans.Runtime;

namespace HotlineGrains.Silo;

/// <summary>
/// The hotline on Orleans, wired in one place: a silo with the hotline's grains (or, with
/// <c>Orleans:Role=Client</c>, a client of a silo cluster), its storage, reminders and clustering
/// on SQLite or PostgreSQL, the database's migrations, the outbox relay and the bus. The gateway,
/// the headless silo and the tests all start the service through <see cref="AddHotline"/>.
/// </summary>
public static class HotlineHostingExtensions
{
    /// <summary>Health-check tag for what must be up before the node takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The ADO.NET provider invariant of PostgreSQL.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static IHostApplicationBuilder AddHotline(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        AddValidatedOptions<HotlineClusterOptions>(services, configuration, HotlineClusterOptions.Section);
        AddValidatedOptions<StorageOptions>(services, configuration, StorageOptions.Section);
        AddValidatedOptions<OutboxOptions>(services, configuration, OutboxOptions.Section);
        AddValidatedOptions<BusOptions>(services, configuration, BusOptions.Section);
        AddValidatedOptions<TurnOptions>(services, configuration, TurnOptions.Section);
        RefuseOrleansOwnClusteringKey(configuration);
        var cluster = configuration.GetSection(HotlineClusterOptions.Section).Get<HotlineClusterOptions>() ?? new HotlineClusterOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var turns = configuration.GetSection(TurnOptions.Section).Get<TurnOptions>() ?? new TurnOptions();

        services.TryAddSingleton(TimeProvider.System);
        AddClocks(services);
        services.AddSingleton<IHotlineDatabase>(_ => CreateDatabase(storage));
        services.AddMetrics();
        services.TryAddSingleton<HotlineMetrics>();
        services.AddSingleton<IReadModels, SqlReadModels>();
        services.AddSingleton<ITicketFactsReport>(provider => new SqlTicketFactsReport(provider.GetRequiredService<IHotlineDatabase>()));
        services.AddSingleton<IOpenTicketList, SqlOpenTicketList>();
        services.AddSingleton<IOpenTicketIds, OpenTicketIds>();
        services.AddSingleton<IAuditTrail>(provider => new SqlAuditTrail(provider.GetRequiredService<IHotlineDatabase>()));
        services.AddHotlineBoards();

        // Hosted services start in this order: the schema, the bus, Orleans, then the relay that uses all three.
        services.AddSingleton<LegacyRuntimeImport>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseMigrator>());
        services.AddHostedService<GrainCallTraceIds>();
        services.AddHotlineBus(configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions(), configureBus);
        var health = services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", tags: [ReadyTag]);
        if (cluster.IsSilo)
        {
            builder.UseOrleans(silo =>
            {
                ConfigureSilo(silo, cluster, storage, turns);
                // Orleans' own membership settings (probe timeouts, votes), for operators who tune failure detection.
                silo.Configure<ClusterMembershipOptions>(configuration.GetSection(HotlineClusterOptions.Section + ":Membership"));
            });
            services.AddSingleton<OutboxSignal>();
            services.AddSingleton<OutboxTypes>();
            services.AddSingleton<OutboxRelay>();
            services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());
            services.AddHostedService<OutboxWatch>();
            health.AddCheck<OutboxReadiness>("outbox", tags: [ReadyTag]).AddCheck<MembershipReadiness>("membership", tags: [ReadyTag]);
        }
        else
        {
            builder.UseOrleansClient(client => ConfigureClient(client, cluster, storage));
        }

        return builder;
    }

    private static void ConfigureSilo(ISiloBuilder silo, HotlineClusterOptions cluster, StorageOptions storage, TurnOptions turns)
    {
        // A grain call carries its caller's trace, so a ticket's log lines on any silo carry the request's trace id.
        silo.AddActivityPropagation();
        if (Clustering(cluster, storage) == HotlineClusterOptions.AdoNet)
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = NpgsqlInvariant;
                options.ConnectionString = PostgresConnectionString(storage);
            });
            silo.Configure<EndpointOptions>(options =>
            {
                options.SiloPort = cluster.SiloPort;
                options.GatewayPort = cluster.GatewayPort;
                if (cluster.AdvertisedAddress is { } address)
                {
                    options.AdvertisedIPAddress = System.Net.IPAddress.Parse(address);
                }
            });
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        if (storage.Provider == StorageOptions.Postgres)
        {
            silo.AddPostgresGrainStorage(HotlineStorage.ProviderName, PostgresConnectionString(storage));
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = NpgsqlInvariant;
                options.ConnectionString = PostgresConnectionString(storage);
            });
        }
        else
        {
            silo.AddSqliteGrainStorage(HotlineStorage.ProviderName);
            silo.UseSqliteReminderService();
        }

        silo.Configure<ReminderOptions>(options =>
        {
            options.MinimumReminderPeriod = Min(options.MinimumReminderPeriod, turns.ReminderRetryPeriod);
            options.ReminderLoadingWindow = turns.LoadingWindow ?? options.ReminderLoadingWindow;
        });
        silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = cluster.IdleActivationTimeout);
        if (cluster.Dashboard)
        {
            silo.AddDashboard();
        }

        if (cluster.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }
    }

    private static void ConfigureClient(IClientBuilder client, HotlineClusterOptions cluster, StorageOptions storage)
    {
        client.AddActivityPropagation();
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = cluster.GatewayListRefreshPeriod);
        if (Clustering(cluster, storage) == HotlineClusterOptions.AdoNet)
        {
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = NpgsqlInvariant;
                options.ConnectionString = PostgresConnectionString(storage);
            });
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        }

        if (cluster.Dashboard)
        {
            client.AddDashboard();
        }

        // A gateway may start before any silo: keep trying, rather than fail the process.
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
    }

    /// <summary>
    /// <c>Orleans:Clustering=AdoNet</c> reads like the hotline's setting, but Orleans takes that key as
    /// its own provider section and stops the process with "Could not find Clustering provider named
    /// 'Default'", which names neither the key nor the fix.
    /// </summary>
    private static void RefuseOrleansOwnClusteringKey(IConfiguration configuration)
    {
        var key = HotlineClusterOptions.Section + ":Clustering";
        if (configuration[key] is { } value)
        {
            throw new OptionsValidationException(HotlineClusterOptions.Section, typeof(HotlineClusterOptions),
                [$"{key}={value} is not a hotline setting (Orleans reads {key} as its own provider section): set Orleans:ClusteringMode=Localhost or AdoNet instead."]);
        }
    }

    private static string Clustering(HotlineClusterOptions cluster, StorageOptions storage) =>
        cluster.ClusteringMode ?? (storage.Provider == StorageOptions.Postgres ? HotlineClusterOptions.AdoNet : HotlineClusterOptions.Localhost);

    /// <summary>
    /// Orleans keeps its own machinery (membership, messaging, activation collection) on the system
    /// clock, and fires reminders on the service's <see cref="TimeProvider"/>: the clock grains read
    /// <see cref="ITurn.Now"/> from, so a reminder and the grain it wakes agree on what is due. Tests
    /// that replace the service's clock with a manual one so drive reminders without driving Orleans.
    /// </summary>
    private static void AddClocks(IServiceCollection services)
    {
        foreach (var name in new[] { TimeProviderNames.Grains, TimeProviderNames.Messaging, TimeProviderNames.SystemTimers, TimeProviderNames.Membership, TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory })
        {
            services.TryAddKeyedSingleton(name, TimeProvider.System);
        }

        services.TryAddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, (provider, _) => provider.GetRequiredService<TimeProvider>());
    }

    internal static IHotlineDatabase CreateDatabase(StorageOptions options) => options.Provider switch
    {
        StorageOptions.Postgres => new PostgresDatabase(PostgresConnectionString(options)),
        _ => new SqliteDatabase(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString),
    };

    private static string PostgresConnectionString(StorageOptions options) =>
        options.ConnectionString ?? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is Postgres.");

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, IConfiguration configuration, string section) where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
