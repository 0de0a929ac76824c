using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using HotlineGrains.Testing;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace HotlineGrains.Silo.Tests.Storage;

/// <summary>
/// A database the project's own runtime wrote before the move to Orleans, opened by the new
/// silo: grains keep their state and version, reminders still fire, undelivered messages arrive.
/// </summary>
public abstract class LegacyRuntimeImportTests : IAsyncLifetime
{
    private readonly DateTimeOffset dueSoon = DateTimeOffset.UtcNow.AddSeconds(3);

    protected abstract Dictionary<string, string?> Settings();

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Grains_reminders_and_undelivered_messages_of_the_earlier_runtime_carry_over_once()
    {
        var settings = Settings();
        var database = (SqlDatabase)HotlineHostingExtensions.CreateDatabase(new StorageOptions
        {
            Provider = settings["Storage:Provider"]!,
            ConnectionString = settings["Storage:ConnectionString"],
        });
        await database.MigrateAsync(CancellationToken.None);
        await WriteLegacyRowsAsync(database);

        // A reminder that fell due while no silo ran fires within a retry period of one starting.
        settings["Reminders:ReminderRetryPeriod"] = "00:00:05";
        using var silo = await TestSilo.StartAsync(settings);
        var grains = silo.Grains();

        // State and version as they were: a caller's ETag from before the upgrade still matches.
        Assert.Equal(new CounterSnapshot(7, 7), await grains.GetGrain<ICounterGrain>("legacy-counter").Get());
        Assert.Equal(8, await grains.GetGrain<ICounterGrain>("legacy-counter").Increment());

        // A project's open tickets keep their numbers: a retried intake of one gets it back.
        Assert.Equal("GC-20260302-0042", await grains.GetGrain<IProjectGrain>("legacy-plaza").IssueTicketNumber("t-42", "tester"));

        // The reminder fires when it was due, the message that was on its way arrives.
        await Eventually.Until(async () => (await grains.GetGrain<IReminderProbeGrain>("legacy-probe").GetFirings()).Count == 1, "the carried-over reminder fired");
        var firing = Assert.Single(await grains.GetGrain<IReminderProbeGrain>("legacy-probe").GetFirings());
        Assert.Equal(("sla", dueSoon.ToUnixTimeMilliseconds()), (firing.Name, firing.DueAt.ToUnixTimeMilliseconds()));
        Assert.True(firing.FiredAt >= firing.DueAt);
        await Eventually.Until(async () => (await grains.GetGrain<IPingPongGrain>("legacy-b").GetReceived()).Contains("ping 0"), "the carried-over message arrived");

        // The old tables are kept under other names, so the import never runs again.
        Assert.True(await ExistsAsync(database, "retired_grain_state"));
        Assert.False(await ExistsAsync(database, "grain_state"));
        await silo.StopAsync();
    }

    private async Task WriteLegacyRowsAsync(SqlDatabase database)
    {
        var postgres = database.Name == StorageOptions.Postgres;
        var project = JsonSerializer.SerializeToNode(new ProjectState
        {
            Settings = new ProjectSettings { Name = "维邦广场", Greeting = "您好", TicketPrefix = "GC" },
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
        project["openTickets"] = new JsonArray("t-42");
        (string Type, string Key, int Version, string State)[] states =
        [
            ("test-counter", "legacy-counter", 7, """{"value":7}"""),
            ("project", "legacy-plaza", 3, project.ToJsonString()),
            ("ticket", "t-42", 5, """{"number":"GC-20260302-0042","status":1}"""),
            ("test-reminder-probe", "legacy-probe", 1, """{"firings":[]}"""),
        ];
        await database.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            foreach (var (type, key, version, state) in states)
            {
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    $"insert into grain_state (grain_type, grain_key, version, state, updated_at) values (@t, @k, @v, @s{database.Json}, @at)",
                    CancellationToken.None, ("t", type), ("k", key), ("v", version), ("s", state), ("at", database.ToDb(DateTimeOffset.UtcNow)));
            }

            await Reminder(connection, transaction, "test-reminder-probe", "legacy-probe", "sla", null, null);
            await Reminder(connection, transaction, "test-ping-pong", "legacy-b", "message:1", "HotlineGrains.Testing.Ping", """{"hops":0}""");
            return 0;
        }, CancellationToken.None);

        Task Reminder(DbConnection connection, DbTransaction transaction, string type, string key, string name, string? payloadType, string? payload) =>
            SqlDatabase.ExecuteAsync(connection, transaction,
                $"insert into reminders (grain_type, grain_key, name, due_at, payload_type, payload) values (@t, @k, @n, @due, @pt, @p{(postgres ? "::jsonb" : string.Empty)})",
                CancellationToken.None, ("t", type), ("k", key), ("n", name), ("due", database.ToDb(dueSoon)), ("pt", payloadType), ("p", payload));
    }

    private static async Task<bool> ExistsAsync(SqlDatabase database, string table) =>
        await database.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction,
                database.Name == StorageOptions.Postgres
                    ? "select count(*) from pg_tables where schemaname = current_schema() and tablename = @t"
                    : "select count(*) from sqlite_master where type = 'table' and name = @t",
                ("t", table));
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }, CancellationToken.None);
}

public sealed class SqliteLegacyRuntimeImportTests : LegacyRuntimeImportTests, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-legacy-").FullName;

    protected override Dictionary<string, string?> Settings() => TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

public sealed class PostgresLegacyRuntimeImportTests(PostgresFixture database) : LegacyRuntimeImportTests, IClassFixture<PostgresFixture>
{
    protected override Dictionary<string, string?> Settings() => TestSilo.Postgres(database.ConnectionString);
}
