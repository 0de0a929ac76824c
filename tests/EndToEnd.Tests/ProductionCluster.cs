using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>What the tests of real clusters share: the production settings every node gets, and who is in the cluster.</summary>
internal static class ProductionCluster
{
    /// <summary>
    /// Production storage, clustering and bus; every process shares <paramref name="signingKey"/> and
    /// hands out demo tokens, but runs no demo floor.
    /// </summary>
    public static Dictionary<string, string?> Settings(PostgresDatabase database, Uri rabbitMq, string signingKey)
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Bus:Transport"] = "RabbitMq";
        settings["Bus:RabbitMqUri"] = rabbitMq.ToString();
        settings["Demo:Enabled"] = "true";
        settings["Demo:Floor"] = "false";
        settings["Demo:CallSimulator"] = "false";
        settings["Auth:SigningKey"] = signingKey;
        return settings;
    }

    /// <summary>Silos the membership table lists as active (none before the first silo migrated the schema).</summary>
    public static async Task<long> ActiveSilosAsync(PostgresDatabase database) =>
        await database.ScalarAsync<bool>("select exists (select 1 from pg_tables where tablename = 'orleans_membership')")
            ? await database.ScalarAsync<long>("select count(*) from orleans_membership where status = 3")
            : 0;
}
