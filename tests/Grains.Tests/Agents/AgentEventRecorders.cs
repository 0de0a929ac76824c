using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using MassTransit;

namespace HotlineGrains.Grains.Tests.Agents;

public sealed class AgentPresenceChangedRecorder(EventSink sink) : IConsumer<AgentPresenceChanged>
{
    public Task Consume(ConsumeContext<AgentPresenceChanged> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed class AgentBreakLimitExceededRecorder(EventSink sink) : IConsumer<AgentBreakLimitExceeded>
{
    public Task Consume(ConsumeContext<AgentBreakLimitExceeded> context)
    {
        sink.Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}
