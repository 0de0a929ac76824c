using System.Collections.Concurrent;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Outbox;

/// <summary>
/// Empties the outbox that grain turns write with their state: events go to the bus, at least
/// once, with the event's own id as the message id; grain messages go to their grain by a grain
/// call (<see cref="IReceiveMessages.Deliver"/>), at least once, and the grain recognises a repeat
/// by the message id. One silo relays at a time (it holds the outbox lease); the events of one
/// grain leave one after another in the order they were stored, and so do the messages to one grain.
/// </summary>
internal sealed partial class OutboxRelay(
    IHotlineDatabase database,
    IEventPublisher publisher,
    IGrainFactory grains,
    OutboxTypes types,
    OutboxSignal signal,
    TimeProvider time,
    HotlineMetrics metrics,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>The pause after a try the broker did not answer in time, before a fresh connection is tried.</summary>
    private static readonly TimeSpan BrokerRetryPause = TimeSpan.FromMilliseconds(500);

    private readonly OutboxOptions options = options.Value;

    /// <summary>Messages whose grain failed them, by outbox position: when to try again and how often it failed.</summary>
    private readonly ConcurrentDictionary<long, (DateTimeOffset NotBefore, int Failures)> failed = new();

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
                await using var lease = await database.TryLeaseOutboxAsync(stoppingToken);
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
                        await signal.WaitAsync(options.PollInterval, time, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The bus or the database is away: rows stay in the outbox until it is back. A broker
                // try has already waited its timeout, so the next follows soon: events must flow
                // within seconds of the broker's return.
                LogRelayFailed(logger, exception);
                var pause = exception is Bus.BrokerUnavailableException ? BrokerRetryPause : options.LeaseRetryInterval;
                await Task.Delay(pause, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Relays one batch. Returns how many rows were done with.</summary>
    internal async Task<int> RelayBatchAsync(IOutboxLease lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await lease.ReadAsync(options.BatchSize, cancellationToken);

        // A grain whose message failed gets nothing more until it is tried again, so its messages keep their order.
        var waiting = rows.Where(row => failed.TryGetValue(row.Position, out var retry) && retry.NotBefore > now).Select(row => row.Target).ToHashSet();
        var batch = rows.Where(row => row.Target is null || !waiting.Contains(row.Target)).ToList();
        if (batch.Count == 0)
        {
            return 0;
        }

        var done = new ConcurrentBag<long>();
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.Parallelism };
        await Parallel.ForEachAsync(batch.GroupBy(OrderedWith), parallel, async (rows, token) =>
        {
            if (rows.Key.Message)
            {
                // One delivery for the grain's messages of this batch, oldest first; the rest (a
                // busy grain's) wait for the next batch, so a delivery repeated after a crash is
                // never more than the grain remembers.
                // If the grain fails them, none is done: they and the messages after them to the
                // same grain wait, so they keep their order.
                var delivery = rows.Take(IReceiveMessages.MostPerDelivery).ToList();
                if (await DeliverAsync(delivery))
                {
                    delivery.ForEach(row => done.Add(row.Position));
                }

                return;
            }

            foreach (var row in rows)
            {
                var type = types.Event(row.MessageType);
                var @event = JsonSerializer.Deserialize(row.PayloadJson, type, GrainRecordJson.Options)!;
                await publisher.PublishAsync(ForIntegrations(@event), type, row.MessageId, token);
                metrics.EventRelayed(@event, row.CreatedAt, time.GetUtcNow());
                done.Add(row.Position);
            }
        });
        await lease.DeleteAsync([.. done], cancellationToken);
        return done.Count;
    }

    /// <summary>
    /// The rows a row must follow: the events of its grain, or the messages to its grain. A grain's
    /// events and the messages it receives are two lines, not one: a project that numbers tickets
    /// and hears of them stored would otherwise wait, in every batch, for both one after another.
    /// </summary>
    private static (bool Message, string Grain) OrderedWith(OutboxMessage row) =>
        row.Target is { } target ? (true, target) : (false, row.Source);

    /// <summary>Delivers <paramref name="rows"/> (messages to one grain) in one call; false when the grain failed them.</summary>
    private async Task<bool> DeliverAsync(IReadOnlyList<OutboxMessage> rows)
    {
        var row = rows[0];
        try
        {
            var messages = rows.Select(r => new GrainMessage(r.MessageId,
                (IGrainMessage)JsonSerializer.Deserialize(r.PayloadJson, types.Message(r.MessageType), GrainRecordJson.Options)!)).ToList();
            var slash = row.Target!.IndexOf('/', StringComparison.Ordinal);
            var target = GrainId.Create(row.Target[..slash], row.Target[(slash + 1)..]);
            await grains.GetGrain<IReceiveMessages>(target).Deliver(messages);
            failed.TryRemove(row.Position, out _);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var failures = failed.TryGetValue(row.Position, out var before) ? before.Failures + 1 : 1;
            failed[row.Position] = (time.GetUtcNow() + options.RetryDelay, failures);
            LogDeliveryFailed(logger, row.MessageType, row.Target!, failures, options.RetryDelay, exception);
            return false;
        }
    }

    /// <summary>
    /// What integrations may see of an event: phone numbers masked (SPEC §8) unless
    /// <see cref="OutboxOptions.FullPhoneNumbers"/> grants them. Only the copy on the bus is
    /// masked; the outbox row keeps the full number, and the message id stays the event id.
    /// </summary>
    private object ForIntegrations(object @event) =>
        !options.FullPhoneNumbers && @event is IHasPhoneNumbers phones ? phones.WithMaskedPhoneNumbers() : @event;

    [LoggerMessage(Level = LogLevel.Information, Message = "This silo now relays the outbox")]
    private static partial void LogLeaseTaken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed; rows stay in the outbox and are relayed again")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain message {MessageType} to {Target} failed ({Failures} times); it is tried again in {RetryDelay}")]
    private static partial void LogDeliveryFailed(ILogger logger, string messageType, string target, int failures, TimeSpan retryDelay, Exception exception);
}
