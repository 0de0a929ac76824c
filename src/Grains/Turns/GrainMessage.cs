using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Turns;

/// <summary>
/// Marks a one-way message between grains (<see cref="ITurn.Send{TGrain}"/>). Only types marked so
/// are ever loaded from the outbox, so a stored row cannot make a silo instantiate an arbitrary type.
/// </summary>
public interface IGrainMessage;

/// <summary>A message as delivered: the id it was stored under (to recognise a repeat) and the message.</summary>
[GenerateSerializer, Immutable]
public sealed record GrainMessage([property: Id(0)] Guid Id, [property: Id(1)] IGrainMessage Body);

/// <summary>
/// The grain call the outbox relay delivers stored grain messages with. Every hotline grain
/// implements it; a message handled before (same id) changes nothing.
/// </summary>
public interface IReceiveMessages : IGrainWithStringKey
{
    Task Deliver(GrainMessage message);
}
