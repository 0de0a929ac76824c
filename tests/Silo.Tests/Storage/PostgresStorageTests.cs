using HotlineGrains.Testing;

namespace HotlineGrains.Silo.Tests.Storage;

public sealed class PostgresStorageTests(PostgresFixture database) : GrainStorageKit, IClassFixture<PostgresFixture>
{
    protected override Dictionary<string, string?> Settings() => TestSilo.Postgres(database.ConnectionString);
}
