using System.Data.Common;
using System.Globalization;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Reminders;

/// <summary>
/// Orleans' reminder table in the node's SQLite database (the embedded default), table
/// <c>orleans_reminders</c> from migration 0005. It shares the database object with grain storage,
/// the outbox and the read models, so its writes queue on the same single-writer gate instead of
/// meeting them as SQLITE_BUSY. Register it with
/// <see cref="SqliteReminderServiceExtensions.UseSqliteReminderService(Orleans.Hosting.ISiloBuilder)"/>.
/// </summary>
internal sealed partial class SqliteReminderTable(
    SqliteDatabase database,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<SqliteReminderTable> logger) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_time, period_ms, id";

    private readonly string serviceId = clusterOptions.Value.ServiceId;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The node's start-up migrates too, but the reminder service may start first (hosted services
        // start in registration order), and migrating an up-to-date database changes nothing.
        await database.MigrateAsync(cancellationToken);
        LogStarted(logger, serviceId);
    }

    public Task Init() => StartAsync(CancellationToken.None);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        new(await ReadAsync("grain_id = @grain", cancellationToken, ("grain", grainId.ToString())));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>
    /// The reminders of the grains whose hash lies on the ring from <paramref name="begin"/>
    /// (exclusive) to <paramref name="end"/> (inclusive): one stretch when begin &lt; end, else the
    /// stretch that wraps past 2^32-1 to 0 (begin == end is the whole ring).
    /// </summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var range = begin < end
            ? "grain_hash > @begin and grain_hash <= @end"
            : "(grain_hash > @begin or grain_hash <= @end)";
        return new(await ReadAsync(range, cancellationToken, ("begin", (long)begin), ("end", (long)end)));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <summary>The reminder, or null when the grain has none by that name (as Orleans' own tables answer).</summary>
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync("grain_id = @grain and reminder_name = @name", cancellationToken,
            ("grain", grainId.ToString()), ("name", reminderName));
        return rows.SingleOrDefault();
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <summary>Inserts or replaces the reminder; returns its new ETag.</summary>
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = await WriteAsync(async (connection, transaction) =>
        {
            // REPLACE deletes the old row and inserts a new one, which takes the next id.
            await using var command = SqlDatabase.Command(connection, transaction,
                "insert or replace into orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms) " +
                "values (@service, @grain, @name, @hash, @start, @period) returning id",
                ("service", serviceId),
                ("grain", entry.GrainId.ToString()),
                ("name", entry.ReminderName),
                ("hash", (long)entry.GrainId.GetUniformHashCode()),
                ("start", ToUnixMilliseconds(entry.StartAt)),
                ("period", entry.Period.Ticks / TimeSpan.TicksPerMillisecond));
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }, cancellationToken);
        return id.ToString(CultureInfo.InvariantCulture);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes the reminder if it still has <paramref name="eTag"/>; false when it changed or is gone.</summary>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        // An ETag this table never handed out cannot match a row.
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            LogNotRemoved(logger, reminderName, grainId, eTag);
            return false;
        }

        var removed = await WriteAsync((connection, transaction) => SqlDatabase.ExecuteAsync(connection, transaction,
            "delete from orleans_reminders where service_id = @service and grain_id = @grain and reminder_name = @name and id = @id",
            cancellationToken, ("service", serviceId), ("grain", grainId.ToString()), ("name", reminderName), ("id", id)), cancellationToken);
        if (removed == 0)
        {
            LogNotRemoved(logger, reminderName, grainId, eTag);
        }

        return removed == 1;
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Removes every reminder of this service (and only of this service).</summary>
    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => SqlDatabase.ExecuteAsync(connection, transaction,
            "delete from orleans_reminders where service_id = @service", cancellationToken, ("service", serviceId)), cancellationToken);

    private async Task<List<ReminderEntry>> ReadAsync(string condition, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        // Reads need no gate: write-ahead logging lets them run beside the writer.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlDatabase.Command(connection, null,
            $"select {Columns} from orleans_reminders where service_id = @service and {condition}",
            [("service", serviceId), .. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(DateTime.UnixEpoch.Ticks + (reader.GetInt64(2) * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
            });
        }

        return rows;
    }

    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (transaction, release) = await database.BeginWriteAsync(connection, cancellationToken);
        using (release)
        await using (transaction)
        {
            var result = await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
    }

    /// <summary>
    /// Orleans hands out UTC times; one without a kind is taken as UTC (as Orleans' ADO.NET table
    /// does) and a local one is converted, so every stored time means the same instant.
    /// </summary>
    private static long ToUnixMilliseconds(DateTime time) =>
        new DateTimeOffset(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc))
            .ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans reminder table on SQLite is ready for service {ServiceId}")]
    private static partial void LogStarted(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder {ReminderName} of {GrainId} was not removed: ETag {ETag} is stale or the reminder is gone")]
    private static partial void LogNotRemoved(ILogger logger, string reminderName, GrainId grainId, string eTag);
}
