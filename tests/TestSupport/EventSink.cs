using System.Collections.Concurrent;
using MassTransit;

namespace HotlineGrains.Testing;

/// <summary>Collects what a MassTransit consumer received, with the bus message id.</summary>
public sealed class EventSink
{
    public ConcurrentQueue<(Guid? MessageId, object Message)> Received { get; } = new();

    public IReadOnlyList<T> Of<T>() => Received.Select(r => r.Message).OfType<T>().ToList();
}

public sealed class CounterIncrementedRecorder(EventSink sink) : IConsumer<CounterIncremented>
{
    public Task Consume(ConsumeContext<CounterIncremented> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class TicketNumberIssuedRecorder(EventSink sink) : IConsumer<Contracts.TicketNumberIssued>
{
    public Task Consume(ConsumeContext<Contracts.TicketNumberIssued> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}
