using System.Collections.Concurrent;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Silo.Bus;
using HotlineGrains.Testing;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HotlineGrains.Silo.Tests.Outbox;

/// <summary>
/// The production path: PostgreSQL outbox relayed to a real RabbitMQ broker, read by a plain AMQP
/// consumer the way an integrator without MassTransit would.
/// </summary>
public sealed class RabbitMqOutboxTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private static readonly string CounterExchange = BusExtensions.ExchangeName(typeof(CounterIncremented));
    private static readonly string TicketExchange = BusExtensions.ExchangeName(typeof(TicketReceived));

    private readonly ConcurrentQueue<(string Exchange, string? MessageId, JsonElement Body)> received = new();
    private IConnection? connection;
    private IChannel? channel;
    private IHost? host;

    public async Task InitializeAsync()
    {
        connection = await new ConnectionFactory { Uri = new Uri(TestServices.RabbitMqUri) }.CreateConnectionAsync();
        channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in new[] { CounterExchange, TicketExchange })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        }

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.Enqueue((delivery.Exchange, delivery.BasicProperties.MessageId, JsonDocument.Parse(delivery.Body).RootElement.Clone()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);

        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Bus:Transport"] = "RabbitMq";
        settings["Bus:RabbitMqUri"] = TestServices.RabbitMqUri;
        host = await TestSilo.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await host!.StopAsync();
        host.Dispose();
        await channel!.DisposeAsync();
        await connection!.DisposeAsync();
    }

    [Fact]
    public async Task An_event_of_a_committed_turn_arrives_at_a_RabbitMQ_consumer_with_its_message_id_and_one_of_a_failed_turn_never_does()
    {
        var key = Guid.NewGuid().ToString("N");
        var grains = host!.Grains();

        await grains.GetGrain<ICounterGrain>(key).Increment(publish: true);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grains.GetGrain<ICounterGrain>(key).IncrementThenFail());
        await grains.GetGrain<ICounterGrain>(key).Increment(publish: true);

        await Eventually.Until(() => Mine(key).Count >= 2, "two events from RabbitMQ");
        var events = Mine(key);
        Assert.Equal([1, 2], events.Select(e => e.Body.GetProperty("message").GetProperty("value").GetInt32()));
        foreach (var (messageId, body) in events)
        {
            var eventId = body.GetProperty("message").GetProperty("eventId").GetGuid();
            Assert.Equal(eventId, Guid.Parse(messageId!));
            Assert.Equal(eventId, body.GetProperty("messageId").GetGuid());
        }

        // The failed turn's event (value 101) is nowhere, not even late: everything after it has arrived.
        Assert.DoesNotContain(received, r => r.Exchange == CounterExchange && r.Body.GetProperty("message").GetProperty("value").GetInt32() > 100);
    }

    [Fact]
    public async Task A_phone_number_in_an_event_reaches_a_RabbitMQ_consumer_masked_by_default_under_the_event_id()
    {
        var ticketId = Guid.NewGuid().ToString("N");

        await host!.Grains().GetGrain<ICounterGrain>(ticketId).IncrementAndReceiveTicket("+86 138-1234-5678");

        List<(string? MessageId, JsonElement Body)> tickets = [];
        await Eventually.Until(() => (tickets = Tickets(ticketId)).Count >= 1, "TicketReceived from RabbitMQ");
        var (messageId, body) = Assert.Single(tickets);
        var message = body.GetProperty("message");
        Assert.Equal("+86 138****5678", message.GetProperty("contactPhone").GetString());
        Assert.DoesNotContain("138-1234-5678", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(message.GetProperty("eventId").GetGuid(), Guid.Parse(messageId!));
        Assert.Equal(message.GetProperty("eventId").GetGuid(), body.GetProperty("messageId").GetGuid());
    }

    private List<(string? MessageId, JsonElement Body)> Mine(string key) =>
        received.Where(r => r.Exchange == CounterExchange && r.Body.GetProperty("message").GetProperty("counter").GetString() == key)
            .Select(r => (r.MessageId, r.Body)).ToList();

    private List<(string? MessageId, JsonElement Body)> Tickets(string ticketId) =>
        received.Where(r => r.Exchange == TicketExchange && r.Body.GetProperty("message").GetProperty("ticketId").GetString() == ticketId)
            .Select(r => (r.MessageId, r.Body)).ToList();
}
