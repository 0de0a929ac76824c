using System.Reflection;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Turns;

namespace HotlineGrains.Silo.Outbox;

/// <summary>
/// The event and grain-message types the outbox relay will load, by the type name an outbox row
/// stores. Only these are ever instantiated from a row, so the database cannot make a silo load an
/// arbitrary type. Built from the hotline's contracts and grains and any assembly added with an
/// <see cref="OutboxTypeAssembly"/> registration (tests add their probe grains' so).
/// </summary>
public sealed class OutboxTypes
{
    private readonly Dictionary<string, Type> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> messages = new(StringComparer.Ordinal);

    public OutboxTypes(IEnumerable<OutboxTypeAssembly> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        foreach (var assembly in new[] { typeof(IHotlineEvent).Assembly, typeof(IGrainMessage).Assembly }.Concat(extra.Select(e => e.Assembly)).Distinct())
        {
            foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false }))
            {
                if (typeof(IHotlineEvent).IsAssignableFrom(type))
                {
                    events[type.FullName!] = type;
                }
                else if (typeof(IGrainMessage).IsAssignableFrom(type))
                {
                    messages[type.FullName!] = type;
                }
            }
        }
    }

    public Type Event(string name) =>
        events.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"'{name}' is not a known event type.");

    public Type Message(string name) =>
        messages.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"'{name}' is not a known grain message type.");
}

/// <summary>An assembly whose events (<see cref="IHotlineEvent"/>) and grain messages (<see cref="IGrainMessage"/>) the outbox relay may load.</summary>
public sealed record OutboxTypeAssembly(Assembly Assembly);
