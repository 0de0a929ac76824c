using HotlineGrains.Silo.Reminders;
using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Silo.Tests.Reminders;

/// <summary>The project's SQLite reminder table, on one database file as a node shares it.</summary>
public sealed class SqliteReminderTableTests : ReminderTableKit
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-reminders-").FullName;
    private readonly SqliteDatabase database;

    public SqliteReminderTableTests() =>
        database = new SqliteDatabase($"Data Source={Path.Combine(directory, "hotline.db")}");

    protected override void AddReminderTable(IServiceCollection services)
    {
        services.AddSingleton<IHotlineDatabase>(database);
        services.UseSqliteReminderService();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
