using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Silo.Runtime;

/// <summary>
/// The grain classes, message types and event types this node knows, by their stored names.
/// Only registered types are ever instantiated from stored names: a row in the database can
/// never make the runtime load an arbitrary type.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainType> byClass = new();
    private readonly Dictionary<string, GrainType> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> messageTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> eventTypes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Type Grain, Type Message), Func<object, object, Task>> handlers = new();

    public void AddGrain(Type grainClass)
    {
        if (byClass.ContainsKey(grainClass))
        {
            return;
        }

        var name = grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name
            ?? throw new InvalidOperationException($"{grainClass} needs a [GrainType(\"name\")] attribute: the name is what its rows are stored under.");
        if (byName.TryGetValue(name, out var clash))
        {
            throw new InvalidOperationException($"Grain type name '{name}' is used by both {clash.Class} and {grainClass}.");
        }

        if (!typeof(IStatefulGrain).IsAssignableFrom(grainClass))
        {
            throw new InvalidOperationException($"{grainClass} must derive from Grain<TState>.");
        }

        var type = new GrainType(name, grainClass, ActivatorUtilities.CreateFactory(grainClass, Type.EmptyTypes));
        byClass.Add(grainClass, type);
        byName.Add(name, type);
        foreach (var handled in grainClass.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IHandle<>)))
        {
            var message = handled.GetGenericArguments()[0];
            messageTypes[NameOf(message)] = message;
        }
    }

    public void AddEventType(Type eventType) => eventTypes[NameOf(eventType)] = eventType;

    public static string NameOf(Type type) => type.FullName ?? type.Name;

    public GrainType Get(Type grainClass) =>
        byClass.TryGetValue(grainClass, out var type)
            ? type
            : throw new InvalidOperationException($"Grain class {grainClass} is not registered with the silo (AddGrain<{grainClass.Name}>()).");

    public GrainType Get(string name) =>
        byName.TryGetValue(name, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class is registered for stored type '{name}'.");

    public bool TryGet(string name, out GrainType type) => byName.TryGetValue(name, out type!);

    public Type? MessageType(string name) => messageTypes.GetValueOrDefault(name);

    public Type EventType(string name) =>
        eventTypes.TryGetValue(name, out var type)
            ? type
            : throw new InvalidOperationException($"Event type '{name}' is not registered (AddEventType<T>()).");

    public bool IsEventType(Type type) => eventTypes.ContainsKey(NameOf(type));

    public bool Handles(Type grainClass, Type messageType) =>
        typeof(IHandle<>).MakeGenericType(messageType).IsAssignableFrom(grainClass);

    /// <summary>Calls <c>IHandle&lt;T&gt;.Handle</c> on a grain for a message whose type is known only at run time.</summary>
    public Task Dispatch(object grain, object message) =>
        handlers.GetOrAdd((grain.GetType(), message.GetType()), static key =>
        {
            var method = typeof(GrainTypeRegistry).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(key.Message);
            return method.CreateDelegate<Func<object, object, Task>>();
        })(grain, message);

    private static Task Invoke<TMessage>(object grain, object message) where TMessage : class =>
        ((IHandle<TMessage>)grain).Handle((TMessage)message);
}

internal sealed record GrainType(string Name, Type Class, ObjectFactory Factory);
