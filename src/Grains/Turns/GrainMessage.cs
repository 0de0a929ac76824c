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
    /// <summary>
    /// The most messages one delivery carries. A grain remembers the ids of several deliveries'
    /// worth, so a delivery repeated after a crash is recognised whole.
    /// </summary>
    public const int MostPerDelivery = 64;

    /// <summary>
    /// Handles <paramref name="messages"/> (to this grain, oldest first, at most
    /// <see cref="MostPerDelivery"/>) in one turn: one write for the lot, so a grain that many
    /// turns tell something (a project, a board) keeps up with them. If one fails, none is taken.
    /// </summary>
    Task Deliver(IReadOnlyList<GrainMessage> messages);
}
