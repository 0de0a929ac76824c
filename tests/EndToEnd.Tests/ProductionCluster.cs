using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>What the tests of real clusters share: the production settings every node gets, and who is in the cluster.</summary>
internal static class ProductionCluster
{
    /// <summary>
    /// Production storage, clustering and bus; every process shares <paramref name="signingKey"/> and
    /// hands out demo tokens, but runs no demo floor.
    /// </summary>
    public static Dictionary<string, string?> Settings(PostgresDatabase database, Uri rabbitMq, string signingKey) =>
        Settings(database.ConnectionString, rabbitMq, signingKey);

    /// <inheritdoc cref="Settings(PostgresDatabase, Uri, string)"/>
    /// <param name="intakePerMinute">Tickets one caller may record a minute: a load test's callers record more than an agent does.</param>
    public static Dictionary<string, string?> Settings(string connectionString, Uri rabbitMq, string signingKey, int? intakePerMinute = null)
    {
        var settings = TestSilo.Postgres(connectionString);
        settings["Bus:Transport"] = "RabbitMq";
        settings["Bus:RabbitMqUri"] = rabbitMq.ToString();
        settings["Demo:Enabled"] = "true";
        settings["Demo:Floor"] = "false";
        settings["Demo:CallSimulator"] = "false";
        settings["Auth:SigningKey"] = signingKey;
        if (intakePerMinute is { } limit)
        {
            settings["Limits:IntakePerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>Silos the membership table lists as active (none before the first silo migrated the schema).</summary>
    public static async Task<long> ActiveSilosAsync(PostgresDatabase database) =>
        await database.ScalarAsync<bool>("select exists (select 1 from pg_tables where tablename = 'orleans_membership')")
            ? await database.ScalarAsync<long>("select count(*) from orleans_membership where status = 3")
            : 0;
}
