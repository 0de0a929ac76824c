using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Silo.Telemetry;

/// <summary>
/// Reads the outbox backlog every few seconds for the metrics, and says in the log when events
/// wait longer than the relay normally takes (the broker away, or the relay stuck), and when
/// they flow again: in an outage an operator sees the backlog grow without querying the database.
/// </summary>
internal sealed partial class OutboxWatch(IHotlineDatabase database, HotlineMetrics metrics, TimeProvider time, ILogger<OutboxWatch> logger) : BackgroundService
{
    /// <summary>How often the backlog is read: a metrics scrape every 15 s sees a value at most this old.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>An oldest row older than this is not the relay's normal pace (a batch every 250 ms).</summary>
    public static readonly TimeSpan Stalled = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stalled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var backlog = await database.ReadOutboxBacklogAsync(stoppingToken);
                var age = backlog.OldestAge(time.GetUtcNow());
                metrics.OutboxRead(backlog.Rows, age);
                if (age > Stalled)
                {
                    stalled = true;
                    LogBacklog(logger, backlog.Rows, age.TotalSeconds);
                }
                else if (stalled)
                {
                    stalled = false;
                    LogFlowing(logger, backlog.Rows);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database is away: readiness says so; the last figures stay until it is back.
                LogUnreadable(logger, exception.Message);
            }

            // The cadence is the wall clock's, as the scrapes that read it are; only the rows' age is on
            // the node's clock. On a test's manual clock, a sampler on that clock woke at every 5 s of
            // an hour the test skipped, reading the database each time, and held up the reminders due
            // at the end of the hour.
            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox backlog: {Rows} rows wait, the oldest for {OldestAgeSeconds:F0} s")]
    private static partial void LogBacklog(ILogger logger, long rows, double oldestAgeSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox flowing again: {Rows} rows wait")]
    private static partial void LogFlowing(ILogger logger, long rows);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox backlog could not be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
