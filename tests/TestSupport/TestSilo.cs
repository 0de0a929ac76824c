using HotlineGrains.Grains;
using HotlineGrains.Silo;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Testing;

/// <summary>A silo host for tests: the real runtime with the probe grains and the hotline grains.</summary>
public static class TestSilo
{
    public static async Task<IHost> StartAsync(
        IDictionary<string, string?> settings,
        string node = "node-1",
        TimeProvider? time = null,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        ConfigureServices(builder.Services, builder.Configuration, node, configureBus);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        configureServices?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration, string node, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        services.AddSingleton(new ProbeNode(node));
        services.AddSilo(configuration, configureBus)
            .AddHotlineGrains()
            .AddGrain<CounterGrain>()
            .AddGrain<ReminderProbeGrain>()
            .AddGrain<PingPongGrain>()
            .AddEventType<CounterIncremented>();
    }

    public static Dictionary<string, string?> Sqlite(string file) => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:ConnectionString"] = $"Data Source={file}",
    };

    public static Dictionary<string, string?> Postgres(string connectionString) => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = connectionString,
    };

    public static IGrainClient Grains(this IHost host) => host.Services.GetRequiredService<IGrainClient>();
}
