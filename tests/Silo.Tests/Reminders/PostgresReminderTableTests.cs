using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Silo.Tests.Reminders;

using Orleans.Hosting;

/// <summary>
/// Orleans' own ADO.NET reminder table (Invariant "Npgsql") on the project's migration 0005: the
/// kit proves the migration's queries, since the provider brings no SQL of its own.
/// </summary>
public sealed class PostgresReminderTableTests(MigratedPostgresFixture database) : ReminderTableKit, IClassFixture<MigratedPostgresFixture>
{
    protected override void AddReminderTable(IServiceCollection services) =>
        services.UseAdoNetReminderService(options => options.Configure(adoNet =>
        {
            adoNet.Invariant = "Npgsql";
            adoNet.ConnectionString = database.ConnectionString;
        }));
}
