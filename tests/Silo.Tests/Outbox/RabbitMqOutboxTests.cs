using System.Collections.Concurrent;
using System.Text.Json;
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
    private readonly ConcurrentQueue<(string? MessageId, JsonElement Body)> received = new();
    private IConnection? connection;
    private IChannel? channel;
    private IHost? host;

    public async Task InitializeAsync()
    {
        var exchange = BusExtensions.ExchangeName(typeof(CounterIncremented));
        connection = await new ConnectionFactory { Uri = new Uri(TestServices.RabbitMqUri) }.CreateConnectionAsync();
        channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.Enqueue((delivery.BasicProperties.MessageId, JsonDocument.Parse(delivery.Body).RootElement.Clone()));
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

        await grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => grains.CallAsync<CounterGrain, int>(key, c => c.IncrementThenFail()));
        await grains.CallAsync<CounterGrain, int>(key, c => c.Increment(publish: true));

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
        Assert.DoesNotContain(received, r => r.Body.GetProperty("message").GetProperty("value").GetInt32() > 100);
    }

    private List<(string? MessageId, JsonElement Body)> Mine(string key) =>
        received.Where(r => r.Body.GetProperty("message").GetProperty("counter").GetString() == key).ToList();
}
