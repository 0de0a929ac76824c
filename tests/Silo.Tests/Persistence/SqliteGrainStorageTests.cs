namespace HotlineGrains.Silo.Tests.Persistence;

/// <summary>The hotline's own provider on the embedded default's SQLite file.</summary>
public sealed class SqliteGrainStorageTests(SqliteGrainStorageHost host) : GrainStorageKit(host), IClassFixture<SqliteGrainStorageHost>
{
    [Fact]
    public void The_silo_builds_the_hotlines_sqlite_provider() =>
        Assert.IsType<HotlineGrains.Silo.Persistence.SqliteGrainStorage>(host.Storage);
}
