using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using MassTransit;

namespace HotlineGrains.Grains.Tests;

public sealed class TicketReassignedRecorder(EventSink sink) : IConsumer<TicketReassigned>
{
    public Task Consume(ConsumeContext<TicketReassigned> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class TicketClosedRecorder(EventSink sink) : IConsumer<TicketClosed>
{
    public Task Consume(ConsumeContext<TicketClosed> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class CallbackDueRecorder(EventSink sink) : IConsumer<CallbackDue>
{
    public Task Consume(ConsumeContext<CallbackDue> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class CallbackRecordedRecorder(EventSink sink) : IConsumer<CallbackRecorded>
{
    public Task Consume(ConsumeContext<CallbackRecorded> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class CustomerCallbackDueRecorder(EventSink sink) : IConsumer<CustomerCallbackDue>
{
    public Task Consume(ConsumeContext<CustomerCallbackDue> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}
