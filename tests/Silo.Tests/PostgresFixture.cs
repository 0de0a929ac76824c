using HotlineGrains.Testing;

namespace HotlineGrains.Silo.Tests;

/// <summary>A throw-away PostgreSQL database shared by the tests of one class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresDatabase? database;

    public PostgresDatabase Database => database ?? throw new InvalidOperationException("not created");

    public string ConnectionString => Database.ConnectionString;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
