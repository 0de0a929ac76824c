using System.Collections.Concurrent;
using MassTransit;

namespace HotlineGrains.Testing;

/// <summary>Collects what a MassTransit consumer received, with the bus message id.</summary>
public sealed class EventSink
{
    public ConcurrentQueue<(Guid? MessageId, object Message)> Received { get; } = new();

    public IReadOnlyList<T> Of<T>() => Received.Select(r => r.Message).OfType<T>().ToList();
}

/// <summary>Records every <typeparamref name="TEvent"/> the bus delivers into the <see cref="EventSink"/>: register one per event type a test watches.</summary>
public sealed class EventRecorder<TEvent>(EventSink sink) : IConsumer<TEvent> where TEvent : class
{
    public Task Consume(ConsumeContext<TEvent> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}
