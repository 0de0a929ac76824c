using Npgsql;

namespace HotlineGrains.Silo.Tests;

/// <summary>
/// A throw-away PostgreSQL database with the project's migrations applied, shared by the tests of
/// one class: what Orleans' ADO.NET providers need before they start (their tables and OrleansQuery).
/// </summary>
public sealed class MigratedPostgresFixture : IAsyncLifetime
{
    private Testing.PostgresDatabase? database;

    /// <summary>
    /// The database, on sessions whose time zone is not UTC, so a time that is sent or read without
    /// its zone shows up as hours off instead of passing by luck on a server set to UTC.
    /// </summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(
        (database ?? throw new InvalidOperationException("not created")).ConnectionString)
    {
        Timezone = "Asia/Shanghai",
    }.ToString();

    public async Task InitializeAsync()
    {
        database = await Testing.PostgresDatabase.CreateAsync();
        await using var storage = new Silo.Storage.PostgresDatabase(ConnectionString);
        await storage.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
