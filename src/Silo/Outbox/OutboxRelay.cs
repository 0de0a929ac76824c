using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Silo.Runtime;
using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Silo.Outbox;

/// <summary>
/// Relays committed events from the outbox to the bus, at least once, with the event's own id as
/// the message id. One node relays at a time (it holds the outbox lease); within a batch the
/// events of one grain go out one after another, in the order they were committed.
/// </summary>
internal sealed partial class OutboxRelay(
    IHotlineDatabase storage,
    IEventPublisher publisher,
    GrainTypeRegistry registry,
    RuntimeSignals signals,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly OutboxOptions options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lease = await storage.TryLeaseOutboxAsync(stoppingToken);
                if (lease is null)
                {
                    await Task.Delay(options.LeaseRetryInterval, time, stoppingToken);
                    continue;
                }

                LogLeaseTaken(logger);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (await RelayBatchAsync(lease, stoppingToken) == 0)
                    {
                        await signals.Outbox.WaitAsync(options.PollInterval, time, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The bus or the database is away: events stay in the outbox until it is back.
                LogRelayFailed(logger, exception);
                await Task.Delay(options.LeaseRetryInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Relays one batch. Returns how many events left.</summary>
    internal async Task<int> RelayBatchAsync(IOutboxLease lease, CancellationToken cancellationToken)
    {
        var batch = await lease.ReadAsync(options.BatchSize, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(batch.GroupBy(m => m.Source), cancellationToken, async (grainEvents, token) =>
        {
            foreach (var message in grainEvents)
            {
                var type = registry.EventType(message.MessageType);
                var @event = JsonSerializer.Deserialize(message.PayloadJson, type, GrainRuntime.Json)!;
                await publisher.PublishAsync(ForIntegrations(@event), type, message.MessageId, token);
            }
        });
        await lease.DeleteAsync(batch.Select(m => m.Position).ToList(), cancellationToken);
        return batch.Count;
    }

    /// <summary>
    /// What integrations may see of an event: phone numbers masked (SPEC §8) unless
    /// <see cref="OutboxOptions.FullPhoneNumbers"/> grants them. Only the copy on the bus is
    /// masked; the outbox row keeps the full number, and the message id stays the event id.
    /// </summary>
    private object ForIntegrations(object @event) =>
        !options.FullPhoneNumbers && @event is IHasPhoneNumbers phones ? phones.WithMaskedPhoneNumbers() : @event;

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now relays the outbox")]
    private static partial void LogLeaseTaken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed; events stay in the outbox and are relayed again")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
