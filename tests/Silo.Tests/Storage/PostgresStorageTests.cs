using HotlineGrains.Testing;

namespace HotlineGrains.Silo.Tests.Storage;

public sealed class PostgresStorageTests(PostgresStorageTests.Database database) : GrainStorageKit, IClassFixture<PostgresStorageTests.Database>
{
    protected override Dictionary<string, string?> Settings() => TestSilo.Postgres(database.Current.ConnectionString);

    public sealed class Database : IAsyncLifetime
    {
        private PostgresDatabase? current;

        public PostgresDatabase Current => current ?? throw new InvalidOperationException("not created");

        public async Task InitializeAsync() => current = await PostgresDatabase.CreateAsync();

        public async Task DisposeAsync()
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
    }
}
