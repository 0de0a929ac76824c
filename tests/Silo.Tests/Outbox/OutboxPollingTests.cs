using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace HotlineGrains.Silo.Tests.Outbox;

/// <summary>
/// Only a silo's own turns wake its relay; rows another silo stored wait for the relay's next look.
/// An idle relay looks every <c>Outbox:PollInterval</c>, a busy one (it relayed rows in the last
/// 2 s) every 20 ms, so a change stored on another silo under load is not held up by the interval.
/// On SQLite, with a row written beside the silo as another silo would.
/// </summary>
public sealed class OutboxPollingTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-polling-").FullName;
    private IHost? host;

    public async Task InitializeAsync()
    {
        var settings = TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));
        settings["Outbox:PollInterval"] = "00:01:00";
        host = await TestSilo.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await host!.StopAsync();
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_busy_relay_relays_what_another_silo_stored_long_before_its_poll_interval()
    {
        var grains = host!.Grains();

        // This silo's turn wakes the relay, which is busy from then on.
        await grains.GetGrain<IPingPongGrain>("writer").SendNote("reader", 1);
        await Eventually.Until(async () => (await grains.GetGrain<IPingPongGrain>("reader").GetReceived()).Contains("note 1"), "note 1 relayed");

        // The relay deleted what it relayed and looked again (it reads right after deleting),
        // finding nothing: from here on only its poll brings it back.
        var database = (SqlDatabase)host!.Services.GetRequiredService<IHotlineDatabase>();
        await Eventually.Until(async () => (await database.ReadOutboxBacklogAsync(CancellationToken.None)).Rows == 0, "the outbox emptied");

        // Stored as another silo's turn would store it: nothing here wakes the relay.
        await database.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                $"insert into outbox (message_id, grain_type, grain_key, message_type, payload, created_at, target) values (@id, 'test-ping-pong', 'elsewhere', @m, @payload{database.Json}, @now, 'test-ping-pong/reader')",
                CancellationToken.None, ("id", database.ToDb(Guid.NewGuid())), ("m", typeof(Note).FullName!), ("payload", """{"n":2}"""), ("now", database.ToDb(DateTimeOffset.UtcNow)));
            return 0;
        }, CancellationToken.None);

        // Well within the minute an idle relay would wait.
        await Eventually.Until(async () => (await grains.GetGrain<IPingPongGrain>("reader").GetReceived()).Contains("note 2"), "note 2 relayed", TimeSpan.FromSeconds(15));
    }
}
