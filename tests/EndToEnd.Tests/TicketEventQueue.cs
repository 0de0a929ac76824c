using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>A test's own queue on a ticket event's exchange, as an integrator binds one: each delivery is handed over as its ticket id and AMQP message id.</summary>
internal static class TicketEventQueue
{
    /// <param name="queue">A durable queue of this name (it outlives a broker restart); null: a server-named one that goes with the connection.</param>
    public static async Task ListenAsync(IConnection connection, string exchange, string? queue, Action<string, string?> received)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var name = queue is null
            ? (await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName
            : (await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(name, exchange, routingKey: "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span)).RootElement;
            received(envelope.GetProperty("message").GetProperty("ticketId").GetString()!, delivery.BasicProperties.MessageId);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(name, autoAck: true, consumer);
    }
}
