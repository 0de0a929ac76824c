using HotlineGrains.Silo;
using HotlineGrains.Silo.Outbox;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;

namespace HotlineGrains.Testing;

/// <summary>A silo host for tests: the real service (Orleans, storage, reminders, outbox relay, bus) with the probe grains beside the hotline's.</summary>
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
        builder.Configuration.AddInMemoryCollection(ForTest(settings, time));
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        Configure(builder, node, configureBus);
        if (time is ManualClock manual)
        {
            builder.Services.AddManualClock(manual);
        }
        else if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        configureServices?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The service as the gateway and the headless silo run it, plus the probe grains and their events.</summary>
    public static void Configure(IHostApplicationBuilder builder, string node, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new ProbeNode(node));
        builder.Services.AddSingleton(new OutboxTypeAssembly(typeof(ProbeNode).Assembly));
        builder.AddHotline(configureBus);
    }

    /// <summary>The settings a test's silo runs with: ports of its own, and reminders that follow a manual clock.</summary>
    public static Dictionary<string, string?> ForTest(IDictionary<string, string?> settings, TimeProvider? time)
    {
        var own = WithOwnPorts(settings);
        if (time is ManualClock)
        {
            // A test that moves the clock by days in one step gives Orleans' reminder service no
            // time to read the reminders coming due from its table as the real clock would (every
            // few minutes): it keeps them all in memory instead, so each fires as the clock passes it.
            own.TryAdd("Reminders:LoadingWindow", "3650.00:00:00");
        }

        return own;
    }

    /// <summary>
    /// The settings with ports of this silo's (and its gateway's) own, unless they name some: tests run
    /// side by side, and two silos on the default ports would find each other (or fail to start).
    /// </summary>
    public static Dictionary<string, string?> WithOwnPorts(IDictionary<string, string?> settings)
    {
        var own = new Dictionary<string, string?>(settings);
        own.TryAdd("Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        own.TryAdd("Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A gateway process listens on its management port (/metrics) too: 9464 would be taken by the first.
        own.TryAdd("Management:Port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return own;
    }

    public static Dictionary<string, string?> Sqlite(string file) => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:ConnectionString"] = $"Data Source={file}",
    };

    /// <summary>
    /// PostgreSQL, and the silos of one database form a cluster (ADO.NET membership) on loopback. A
    /// silo that dies is declared dead within about ten seconds rather than Orleans' production
    /// minute, yet a silo merely slowed by a busy machine (a test run on 2 cores) is not.
    /// </summary>
    public static Dictionary<string, string?> Postgres(string connectionString) => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = connectionString,
        ["Orleans:AdvertisedAddress"] = "127.0.0.1",
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:NumMissedProbesLimit"] = "3",
        ["Orleans:Membership:TableRefreshTimeout"] = "00:00:02",
        ["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
    };

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();
}
