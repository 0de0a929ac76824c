namespace HotlineGrains.Silo.Tests.Persistence;

/// <summary>
/// Orleans' own ADO.NET provider on PostgreSQL, running the queries and the write function of the
/// project's migration 0004.
/// </summary>
public sealed class PostgresGrainStorageTests(PostgresGrainStorageHost host) : GrainStorageKit(host), IClassFixture<PostgresGrainStorageHost>
{
    [Fact]
    public void The_silo_builds_orleans_own_ado_net_provider() =>
        Assert.IsType<Orleans.Storage.AdoNetGrainStorage>(host.Storage);
}
