using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace HotlineGrains.Silo.Tests.Outbox;

/// <summary>
/// The relay hands a grain its waiting messages in one delivery (one turn, one write), oldest
/// first; a delivery repeated after a crash changes nothing, and one that fails takes none of its
/// messages. On SQLite, the relay driven batch by batch.
/// </summary>
public sealed class GrainMessageDeliveryTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-delivery-").FullName;
    private IHost? host;

    private IGrainFactory Grains => host!.Grains();

    public async Task InitializeAsync()
    {
        var settings = TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));
        settings["Outbox:Enabled"] = "false";
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
    public async Task A_grains_waiting_messages_arrive_in_one_delivery_in_the_order_they_were_sent()
    {
        for (var n = 1; n <= 100; n++)
        {
            await Grains.GetGrain<IPingPongGrain>(n % 2 == 0 ? "even" : "odd").SendNote("reader", n);
        }

        // One batch: a delivery carries at most MostPerDelivery; the rest wait for the next batch.
        Assert.Equal(IReceiveMessages.MostPerDelivery, await RelayBatchAsync());
        Assert.Equal(Notes(1, IReceiveMessages.MostPerDelivery), await Received("reader"));

        Assert.Equal(100 - IReceiveMessages.MostPerDelivery, await RelayBatchAsync());
        Assert.Equal(Notes(1, 100), await Received("reader"));
    }

    [Fact]
    public async Task A_delivery_repeated_whole_after_later_ones_changes_nothing()
    {
        var reader = Grains.GetGrain<IPingPongGrain>("reader").AsReference<IReceiveMessages>();
        var first = Enumerable.Range(1, IReceiveMessages.MostPerDelivery).Select(n => new GrainMessage(Guid.NewGuid(), new Note(n))).ToList();
        await reader.Deliver(first);
        for (var more = 0; more < 3; more++)
        {
            await reader.Deliver([.. Enumerable.Range(0, IReceiveMessages.MostPerDelivery).Select(_ => new GrainMessage(Guid.NewGuid(), new Note(0)))]);
        }

        await reader.Deliver(first);

        var received = await Received("reader");
        Assert.Equal(Notes(1, IReceiveMessages.MostPerDelivery), received.Where(r => r != "note 0"));
        Assert.Equal(4 * IReceiveMessages.MostPerDelivery, received.Count);
    }

    [Fact]
    public async Task A_delivery_with_a_message_its_grain_refuses_takes_none_of_them()
    {
        var reader = Grains.GetGrain<IPingPongGrain>("reader").AsReference<IReceiveMessages>();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            reader.Deliver([new GrainMessage(Guid.NewGuid(), new Note(1)), new GrainMessage(Guid.NewGuid(), new Note(2, Refused: true))]));

        Assert.Empty(await Received("reader"));
    }

    private Task<IReadOnlyList<string>> Received(string key) => Grains.GetGrain<IPingPongGrain>(key).GetReceived();

    private static List<string> Notes(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(n => $"note {n}")];

    private async Task<int> RelayBatchAsync()
    {
        await using var lease = await host!.Services.GetRequiredService<IHotlineDatabase>().TryLeaseOutboxAsync(default);
        Assert.NotNull(lease);
        return await host.Services.GetRequiredService<OutboxRelay>().RelayBatchAsync(lease, default);
    }
}
