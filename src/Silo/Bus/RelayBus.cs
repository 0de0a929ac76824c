using MassTransit;
using Microsoft.Extensions.Logging;
using HotlineGrains.Silo.Outbox;

namespace HotlineGrains.Silo.Bus;

/// <summary>
/// The outbox relay's own RabbitMQ bus, made with MassTransit's public bus factory and the same
/// topology as the node's bus. MassTransit reconnects a lost broker with a back-off growing to
/// 30 s, which it does not let us configure (8.4 and 8.5 alike); a publish waits through it. So a
/// publish that the broker has not taken within <see cref="BusOptions.PublishTimeout"/> fails, the
/// bus is stopped and dropped, and the relay's next try starts a new one, whose first connection
/// attempt is immediate: while the broker is away a connection is tried every few seconds, and
/// events flow again within seconds of its return. Rows stay in the outbox meanwhile.
/// </summary>
internal sealed partial class RelayBus(BusOptions options, ILogger<RelayBus> logger) : IEventPublisher, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IBusControl? bus;

    public async Task PublishAsync(object @event, Type eventType, Guid messageId, CancellationToken cancellationToken)
    {
        var current = await StartedAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        try
        {
            // WaitAsync: the relay moves on at the timeout even where the bus does not heed the token.
            await current.Publish(@event, eventType, context => context.MessageId = messageId, timeout.Token).WaitAsync(options.PublishTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            await DropAsync(current);
            throw new BrokerUnavailableException($"The broker did not take an event within {options.PublishTimeout}; the relay connects afresh on its next try.", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (bus is { } current)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await current.StopAsync(stop.Token).WaitAsync(stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        gate.Dispose();
    }

    private async Task<IBusControl> StartedAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (bus is { } started)
            {
                return started;
            }

            var created = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => BusExtensions.ConfigureRabbitMq(rabbit, options));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await created.StartAsync(timeout.Token).WaitAsync(options.ConnectTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or MassTransitException && !cancellationToken.IsCancellationRequested)
            {
                StopInBackground(created);
                throw new BrokerUnavailableException($"The relay's bus did not connect within {options.ConnectTimeout}.", exception);
            }

            bus = created;
            LogStarted(logger);
            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="failed"/> (unless a concurrent publish replaced it already) and stops it.</summary>
    private async Task DropAsync(IBusControl failed)
    {
        await gate.WaitAsync();
        try
        {
            if (!ReferenceEquals(bus, failed))
            {
                return;
            }

            bus = null;
        }
        finally
        {
            gate.Release();
        }

        LogDropped(logger, options.PublishTimeout);
        StopInBackground(failed);
    }

    /// <summary>
    /// Stops a bus the relay gave up on without waiting for it: a bus whose start was cut short may
    /// not finish stopping, and the relay must not hang on it (the drill saw exactly that).
    /// </summary>
    private static void StopInBackground(IBusControl stopping) =>
        _ = Task.Run(async () =>
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await stopping.StopAsync(stop.Token).WaitAsync(stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or MassTransitException)
            {
                // A bus that never reached the broker has nothing to stop cleanly.
            }
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox relay's bus started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker did not take an event within {PublishTimeout}: the relay's bus is dropped and connects afresh on the next try")]
    private static partial void LogDropped(ILogger logger, TimeSpan publishTimeout);
}

/// <summary>The broker did not take an event or a connection in time: the relay tries again soon, with a fresh connection.</summary>
public sealed class BrokerUnavailableException(string message, Exception inner) : TimeoutException(message, inner);
