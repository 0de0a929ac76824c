namespace HotlineGrains.Silo;

/// <summary>How code outside a grain (endpoints, background services, tests) talks to grains.</summary>
public interface IGrainClient
{
    /// <summary>Runs one turn of the grain: <paramref name="turn"/> may change state and raise effects.</summary>
    Task<TResult> CallAsync<TGrain, TResult>(string key, Func<TGrain, Task<TResult>> turn, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain;

    /// <summary>Runs one turn of the grain that returns nothing.</summary>
    Task CallAsync<TGrain>(string key, Func<TGrain, Task> turn, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain;

    /// <summary>Reads the grain's committed state; whatever <paramref name="query"/> changes is thrown away.</summary>
    Task<TResult> ReadAsync<TGrain, TResult>(string key, Func<TGrain, TResult> query, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain;

    /// <summary>Durably sends a one-way message to a grain; it is delivered in a turn of its own.</summary>
    Task SendAsync<TGrain>(string key, object message, CancellationToken cancellationToken = default)
        where TGrain : class, IGrain;
}

/// <summary>Registers grain classes with the runtime.</summary>
public interface ISiloBuilder
{
    ISiloBuilder AddGrain<TGrain>() where TGrain : class, IGrain;

    /// <summary>Makes an event type publishable (the hotline's contracts are registered already).</summary>
    ISiloBuilder AddEventType<TEvent>() where TEvent : class;
}
