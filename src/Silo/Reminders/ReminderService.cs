using HotlineGrains.Silo.Runtime;
using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Silo.Reminders;

/// <summary>
/// Fires due reminders and delivers grain messages on this node. Every node runs one; they share
/// the work through the database: each firing is claimed in its own turn's transaction, so a
/// firing another node holds is skipped, and one whose node died is picked up again.
/// </summary>
internal sealed partial class ReminderService(
    IHotlineDatabase storage,
    GrainRuntime runtime,
    RuntimeSignals signals,
    TimeProvider time,
    IOptions<ReminderOptions> options,
    ILogger<ReminderService> logger) : BackgroundService
{
    private readonly ReminderOptions options = options.Value;

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
                // Only a batch this node fired itself means more may be waiting; one that other
                // nodes hold is theirs to finish.
                if (await FireDueAsync(stoppingToken) > 0)
                {
                    continue;
                }

                var latest = time.GetUtcNow() + options.PollInterval;
                var next = await storage.GetNextDueAtAsync(stoppingToken);
                await signals.Reminders.WaitUntilAsync(next < latest ? next.Value : latest, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLoopFailed(logger, exception);
                await signals.Reminders.WaitAsync(options.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Fires one batch of what is due now. Returns how many this node fired.</summary>
    internal async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var due = await storage.GetDueAsync(time.GetUtcNow(), options.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var fired = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (reminder, token) =>
            {
                try
                {
                    if (await runtime.FireAsync(reminder, token))
                    {
                        Interlocked.Increment(ref fired);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    LogFiringFailed(logger, exception, reminder.Name, reminder.Grain.ToString(), options.RetryDelay);
                    await storage.PostponeAsync(reminder, time.GetUtcNow() + options.RetryDelay, token);
                }
            });
        return fired;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reminder loop failed; trying again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing {Reminder} of {Grain} failed; it is tried again in {RetryDelay}")]
    private static partial void LogFiringFailed(ILogger logger, Exception exception, string reminder, string grain, TimeSpan retryDelay);
}
