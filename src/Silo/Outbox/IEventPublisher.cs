namespace HotlineGrains.Silo.Outbox;

/// <summary>Puts one committed event on the bus. Completes only when the bus has it (publisher confirms on RabbitMQ).</summary>
public interface IEventPublisher
{
    Task PublishAsync(object @event, Type eventType, Guid messageId, CancellationToken cancellationToken);
}
