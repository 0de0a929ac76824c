using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace HotlineGrains.Silo.Reminders;

/// <summary>Orleans reminders kept in the node's SQLite database, the way Orleans registers its own reminder tables.</summary>
public static class SqliteReminderServiceExtensions
{
    /// <summary>
    /// Adds Orleans' reminder service with its table in the node's SQLite database: the
    /// <see cref="IHotlineDatabase"/> registered for the node (<c>Storage:Provider</c> Sqlite), so
    /// reminders, grain state and the outbox share one file and one writer.
    /// </summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.UseSqliteReminderService();
        return builder;
    }

    /// <inheritdoc cref="UseSqliteReminderService(ISiloBuilder)"/>
    public static IServiceCollection UseSqliteReminderService(this IServiceCollection services)
    {
        services.AddReminders();
        services.AddSingleton<IReminderTable>(provider => new SqliteReminderTable(
            provider.GetRequiredService<IHotlineDatabase>() as SqliteDatabase
                ?? throw new InvalidOperationException(
                    "UseSqliteReminderService needs the node's database on SQLite (Storage:Provider Sqlite); " +
                    "on PostgreSQL use UseAdoNetReminderService with Invariant \"Npgsql\"."),
            provider.GetRequiredService<IOptions<ClusterOptions>>(),
            provider.GetRequiredService<ILogger<SqliteReminderTable>>()));
        return services;
    }
}
