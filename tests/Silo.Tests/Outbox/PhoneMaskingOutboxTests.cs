using HotlineGrains.Contracts;
using HotlineGrains.Silo.Outbox;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests.Outbox;

/// <summary>
/// Phone numbers leave for integrations masked unless <c>Outbox:FullPhoneNumbers</c> grants them
/// (SPEC §8); what is stored keeps the full number. On SQLite and the in-memory bus; the RabbitMQ
/// path is in <see cref="RabbitMqOutboxTests"/>.
/// </summary>
public sealed class PhoneMaskingOutboxTests : IAsyncLifetime
{
    private const string FullNumber = "13812345678";
    private const string MaskedNumber = "138****5678";

    private readonly string directory = Directory.CreateTempSubdirectory("hotline-phone-mask-").FullName;
    private readonly EventSink sink = new();
    private IHost? host;

    [Fact]
    public async Task A_phone_number_raised_in_a_committed_turn_reaches_a_bus_consumer_masked_when_nothing_grants_full_numbers()
    {
        var silo = await StartAsync();

        var (messageId, received) = await ReceiveTicketAsync(silo);

        Assert.Equal(MaskedNumber, received.ContactPhone);
        Assert.Equal(received.EventId, messageId);
    }

    [Fact]
    public async Task A_phone_number_reaches_a_bus_consumer_in_full_when_Outbox_FullPhoneNumbers_is_true()
    {
        var silo = await StartAsync(("Outbox:FullPhoneNumbers", "true"));

        var (messageId, received) = await ReceiveTicketAsync(silo);

        Assert.Equal(FullNumber, received.ContactPhone);
        Assert.Equal(received.EventId, messageId);
    }

    [Fact]
    public async Task The_outbox_row_keeps_the_full_number_while_the_copy_on_the_bus_is_masked_under_the_same_message_id()
    {
        var silo = await StartAsync(("Outbox:Enabled", "false"));
        var key = Guid.NewGuid().ToString("N");
        await silo.Grains().GetGrain<ICounterGrain>(key).IncrementAndReceiveTicket(FullNumber);

        var storage = silo.Services.GetRequiredService<IHotlineDatabase>();
        await using (var lease = await storage.TryLeaseOutboxAsync(default))
        {
            Assert.NotNull(lease);
            var row = Assert.Single(await lease.ReadAsync(10, default));
            Assert.Contains(FullNumber, row.PayloadJson, StringComparison.Ordinal);
            Assert.DoesNotContain(MaskedNumber, row.PayloadJson, StringComparison.Ordinal);

            Assert.Equal(1, await silo.Services.GetRequiredService<OutboxRelay>().RelayBatchAsync(lease, default));

            var (messageId, received) = await ReceivedAsync(key);
            Assert.Equal(MaskedNumber, received.ContactPhone);
            Assert.Equal(row.MessageId, messageId);
            Assert.Equal(row.MessageId, received.EventId);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private async Task<IHost> StartAsync(params (string Key, string Value)[] extra)
    {
        var settings = TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        host = await TestSilo.StartAsync(settings,
            configureBus: bus => bus.AddConsumer<EventRecorder<TicketReceived>>(),
            configureServices: services => services.AddSingleton(sink));
        return host;
    }

    private async Task<(Guid? MessageId, TicketReceived Event)> ReceiveTicketAsync(IHost silo)
    {
        var key = Guid.NewGuid().ToString("N");
        await silo.Grains().GetGrain<ICounterGrain>(key).IncrementAndReceiveTicket(FullNumber);
        return await ReceivedAsync(key);
    }

    private async Task<(Guid? MessageId, TicketReceived Event)> ReceivedAsync(string ticketId)
    {
        List<(Guid? MessageId, TicketReceived Event)> mine = [];
        await Eventually.Until(
            () => (mine = [.. sink.Received.Where(r => r.Message is TicketReceived t && t.TicketId == ticketId).Select(r => (r.MessageId, (TicketReceived)r.Message))]).Count > 0,
            $"TicketReceived {ticketId} on the bus");
        return Assert.Single(mine);
    }
}
