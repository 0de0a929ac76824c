using HotlineGrains.Contracts;
using HotlineGrains.Grains;
using HotlineGrains.Silo.Bus;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Silo.Reminders;
using HotlineGrains.Silo.Runtime;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HotlineGrains.Silo;

public static class SiloServiceCollectionExtensions
{
    /// <summary>Health-check tag for what must be up before the node takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The silo with the hotline's grains: what the gateway and the headless worker run.</summary>
    public static ISiloBuilder AddHotlineSilo(this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? configureBus = null) =>
        services.AddSilo(configuration, configureBus).AddHotlineGrains();

    /// <summary>
    /// The grain runtime: storage (section <c>Storage</c>), turns (<c>Silo</c>), reminders
    /// (<c>Reminders</c>), outbox relay (<c>Outbox</c>) and bus (<c>Bus</c>). Grain classes are added
    /// on the returned builder.
    /// </summary>
    public static ISiloBuilder AddSilo(this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        services.AddOptions<SiloOptions>().Bind(configuration.GetSection(SiloOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReminderOptions>().Bind(configuration.GetSection(ReminderOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        var registry = new GrainTypeRegistry();
        foreach (var eventType in typeof(IHotlineEvent).Assembly.GetExportedTypes().Where(t => typeof(IHotlineEvent).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface))
        {
            registry.AddEventType(eventType);
        }

        services.AddSingleton(registry);
        services.AddSingleton<IHotlineDatabase>(provider => CreateStorage(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()));
        services.AddSingleton<RuntimeSignals>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainClient>(provider => provider.GetRequiredService<GrainRuntime>());
        services.AddSingleton<IReadModels>(provider => provider.GetRequiredService<GrainRuntime>());
        services.AddSingleton<IAuditTrail>(provider => new SqlAuditTrail(provider.GetRequiredService<IHotlineDatabase>()));

        // Hosted services start in this order: the schema first, then the bus, then the loops that use both.
        services.AddSingleton<SiloStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<SiloStartup>());
        services.AddHotlineBus(configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions(), configureBus);
        services.AddSingleton<ReminderService>();
        services.AddHostedService(provider => provider.GetRequiredService<ReminderService>());
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());
        services.AddHostedService<ActivationCollector>();

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);
        return new SiloBuilder(registry);
    }

    internal static IHotlineDatabase CreateStorage(StorageOptions options) => options.Provider switch
    {
        StorageOptions.Postgres => new PostgresDatabase(options.ConnectionString
            ?? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is Postgres.")),
        _ => new SqliteDatabase(options.ConnectionString ?? StorageOptions.DefaultSqliteConnectionString),
    };

    private sealed class SiloBuilder(GrainTypeRegistry registry) : ISiloBuilder
    {
        public ISiloBuilder AddGrain<TGrain>() where TGrain : class, IGrain
        {
            registry.AddGrain(typeof(TGrain));
            return this;
        }

        public ISiloBuilder AddEventType<TEvent>() where TEvent : class
        {
            registry.AddEventType(typeof(TEvent));
            return this;
        }
    }

    private sealed class StorageHealthCheck(IHotlineDatabase storage, SiloStartup startup) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!startup.IsMigrated)
            {
                return HealthCheckResult.Unhealthy("The schema is not migrated yet.");
            }

            try
            {
                await storage.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy(storage.Name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{storage.Name} cannot be reached.", exception);
            }
        }
    }
}
