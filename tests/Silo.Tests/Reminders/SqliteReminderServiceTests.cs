using HotlineGrains.Silo.Reminders;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Tests.Reminders;

public interface ICountingReminderGrain : IGrainWithStringKey
{
    Task Register(TimeSpan dueTime, TimeSpan period);

    Task Unregister();

    Task<int> Ticks();
}

public sealed class CountingReminderGrain : Grain, ICountingReminderGrain, IRemindable
{
    public const string Name = "count";

    private int ticks;

    public Task Register(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(Name, dueTime, period);

    public async Task Unregister()
    {
        if (await this.GetReminder(Name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> Ticks() => Task.FromResult(ticks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks++;
        return Task.CompletedTask;
    }
}

/// <summary>UseSqliteReminderService in a real silo: Orleans' reminder service stores reminders in the node's SQLite database and fires them.</summary>
public sealed class SqliteReminderServiceTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-reminders-").FullName;
    private SqliteDatabase? database;
    private IHost? silo;

    private IHost Silo => silo ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        database = new SqliteDatabase($"Data Source={Path.Combine(directory, "hotline.db")}");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHotlineDatabase>(database);
        builder.UseOrleans(orleans => orleans
            .UseLocalhostClustering(siloPort: FreePorts.Next(), gatewayPort: FreePorts.Next())
            .Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
            .UseSqliteReminderService());
        silo = builder.Build();
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.StartAsync(startup.Token);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_grains_reminder_is_stored_in_the_node_database_fires_and_is_removed_when_unregistered()
    {
        var table = Silo.Services.GetRequiredService<IReminderTable>();
        Assert.IsType<SqliteReminderTable>(table);
        var grain = Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ICountingReminderGrain>("ticket-7");
        var before = DateTime.UtcNow;

        await grain.Register(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));

        var row = await table.ReadRow(grain.GetGrainId(), CountingReminderGrain.Name);
        Assert.NotNull(row);
        Assert.Equal(TimeSpan.FromSeconds(1), row.Period);
        Assert.InRange(row.StartAt, before.AddMilliseconds(150), DateTime.UtcNow.AddMilliseconds(250));
        var serviceId = Silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId;
        Assert.Equal(1L, await CountRowsAsync(serviceId, grain.GetGrainId().ToString()));
        await Eventually.Until(async () => await grain.Ticks() >= 2, "the reminder firing twice");

        await grain.Unregister();

        Assert.Null(await table.ReadRow(grain.GetGrainId(), CountingReminderGrain.Name));
    }

    /// <summary>Straight from the node's database file, past the reminder table.</summary>
    private async Task<object?> CountRowsAsync(string serviceId, string grainId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "hotline.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select count(*) from orleans_reminders where service_id = $service and grain_id = $grain";
        command.Parameters.AddWithValue("$service", serviceId);
        command.Parameters.AddWithValue("$grain", grainId);
        return await command.ExecuteScalarAsync();
    }
}
