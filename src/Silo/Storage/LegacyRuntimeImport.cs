using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Storage.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Storage;

/// <summary>
/// Carries a database of the project's own grain runtime (before the move to Orleans) over to the
/// Orleans providers, once, so an upgraded hotline keeps its tickets, agents, customers, projects,
/// deadlines and undelivered grain messages:
/// <list type="bullet">
/// <item><c>grain_state</c> rows become <c>grain_storage</c> records (same version, so ETags carry on);</item>
/// <item>reminders become Orleans reminders (with the grain's ring hash) and the grain's record names them;</item>
/// <item>grain messages not yet delivered go into the outbox for the relay to deliver.</item>
/// </list>
/// The old tables are then renamed <c>retired_grain_state</c> and <c>retired_reminders</c>, kept as
/// they were, and the import never runs again. It runs under the migration lock, before Orleans starts.
/// </summary>
internal sealed partial class LegacyRuntimeImport(
    IHotlineDatabase database,
    IOptions<HotlineClusterOptions> cluster,
    IOptions<TurnOptions> turns,
    TimeProvider time,
    ILogger<LegacyRuntimeImport> logger)
{
    public async Task ImportAsync(CancellationToken cancellationToken)
    {
        if (database is not SqlDatabase sql)
        {
            return;
        }

        var counts = await sql.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            if (!await TableExistsAsync(sql, connection, transaction, "grain_state", cancellationToken))
            {
                return ((int, int, int)?)null;
            }

            var states = await ReadStatesAsync(sql, connection, transaction, cancellationToken);
            var (reminders, messages) = await ReadRemindersAsync(sql, connection, transaction, cancellationToken);
            var numbers = states.Where(s => s.Type == "ticket")
                .Select(s => (s.Key, Number: JsonNode.Parse(s.Json)?["number"]?.GetValue<string>()))
                .Where(t => t.Number is not null)
                .ToDictionary(t => t.Key, t => t.Number!, StringComparer.Ordinal);

            var now = sql.ToDb(time.GetUtcNow());
            var serviceId = cluster.Value.ServiceId;
            foreach (var state in states)
            {
                var held = new SortedDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                foreach (var reminder in reminders.Where(r => r.Type == state.Type && r.Key == state.Key))
                {
                    held[reminder.Name] = reminder.DueAt;
                }

                var record = new GrainRecord
                {
                    State = JsonSerializer.Deserialize<JsonElement>(Upgrade(state.Type, state.Json, numbers), GrainRecordJson.Options),
                    Reminders = held,
                };
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    """
                    insert into grain_storage (service_id, grain_type, grain_key, version, payload, modified_at)
                    values (@s, @t, @k, @v, @p, @now)
                    on conflict (service_id, grain_type, grain_key) do nothing
                    """,
                    cancellationToken, ("s", serviceId), ("t", state.Type), ("k", state.Key), ("v", (int)state.Version),
                    ("p", JsonSerializer.SerializeToUtf8Bytes(record, GrainRecordJson.Options)), ("now", now));
            }

            // Every reminder becomes the one-shot the grains now set: due when it was due, then retried each period.
            var period = (long)turns.Value.ReminderRetryPeriod.TotalMilliseconds;
            foreach (var reminder in reminders)
            {
                var grain = GrainId.Create(reminder.Type, reminder.Key);
                var postgres = sql.Name == StorageOptions.Postgres;
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    postgres
                        ? """
                          insert into orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
                          values (@s, @g, @n, @h, @at, @p, nextval('orleans_reminder_etags'))
                          on conflict (service_id, grain_id, reminder_name) do nothing
                          """
                        : """
                          insert into orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms)
                          values (@s, @g, @n, @h, @at, @p)
                          on conflict (service_id, grain_id, reminder_name) do nothing
                          """,
                    cancellationToken, ("s", serviceId), ("g", grain.ToString()), ("n", reminder.Name), ("h", (long)grain.GetUniformHashCode()),
                    ("at", sql.ToDb(reminder.DueAt)), ("p", period));
            }

            // Numbers came back from the project by message before; a ticket still waiting for its
            // number keeps what it has, and the API shows it pending. No message type else was dropped.
            var dropped = messages.RemoveAll(m => m.PayloadType is RetiredIssueTicketNumber or RetiredTicketNumberAssigned);
            if (dropped > 0)
            {
                LogDroppedNumbering(logger, dropped);
            }

            foreach (var message in messages)
            {
                await SqlDatabase.ExecuteAsync(connection, transaction,
                    $"""
                    insert into outbox (message_id, grain_type, grain_key, message_type, payload, created_at, target)
                    values (@id, 'legacy', @k, @m, @payload{sql.Json}, @now, @target)
                    """,
                    cancellationToken, ("id", sql.ToDb(Guid.NewGuid())), ("k", message.Key), ("m", message.PayloadType),
                    ("payload", message.PayloadJson), ("now", now), ("target", $"{message.Type}/{message.Key}"));
            }

            await SqlDatabase.ExecuteAsync(connection, transaction, "alter table grain_state rename to retired_grain_state", cancellationToken);
            await SqlDatabase.ExecuteAsync(connection, transaction, "alter table reminders rename to retired_reminders", cancellationToken);
            return (states.Count, reminders.Count, messages.Count);
        }, cancellationToken);

        if (counts is { } imported && (imported.Item1 > 0 || imported.Item2 > 0 || imported.Item3 > 0))
        {
            LogImported(logger, imported.Item1, imported.Item2, imported.Item3);
        }
    }

    /// <summary>
    /// The state as the grain reads it now. One shape changed: a project's open tickets were a set
    /// of ids and are now each id with the number it was given (the tickets' own states say which).
    /// </summary>
    internal static string Upgrade(string type, string json, IReadOnlyDictionary<string, string> numbers)
    {
        if (type != "project" || JsonNode.Parse(json) is not JsonObject project || project["openTickets"] is not JsonArray open)
        {
            return json;
        }

        var upgraded = new JsonObject();
        foreach (var id in open.Select(t => t?.GetValue<string>()).OfType<string>())
        {
            upgraded[id] = numbers.GetValueOrDefault(id, string.Empty);
        }

        project["openTickets"] = upgraded;
        return project.ToJsonString();
    }

    private static async Task<bool> TableExistsAsync(SqlDatabase sql, DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction,
            sql.Name == StorageOptions.Postgres
                ? "select count(*) from pg_tables where schemaname = current_schema() and tablename = @t"
                : "select count(*) from sqlite_master where type = 'table' and name = @t",
            ("t", table));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<List<LegacyState>> ReadStatesAsync(SqlDatabase sql, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction,
            $"select grain_type, grain_key, version, {(sql.Name == StorageOptions.Postgres ? "state::text" : "state")} from grain_state");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<LegacyState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new LegacyState(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return states;
    }

    private static async Task<(List<LegacyReminder> Reminders, List<LegacyMessage> Messages)> ReadRemindersAsync(
        SqlDatabase sql, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction,
            $"select grain_type, grain_key, name, due_at, payload_type, {(sql.Name == StorageOptions.Postgres ? "payload::text" : "payload")} from reminders order by id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reminders = new List<LegacyReminder>();
        var messages = new List<LegacyMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(4))
            {
                reminders.Add(new LegacyReminder(reader.GetString(0), reader.GetString(1), reader.GetString(2), sql.ReadTime(reader, 3)));
            }
            else
            {
                messages.Add(new LegacyMessage(reader.GetString(0), reader.GetString(1), reader.GetString(4), reader.GetString(5)));
            }
        }

        return (reminders, messages);
    }

    private const string RetiredIssueTicketNumber = "HotlineGrains.Grains.Projects.IssueTicketNumber";
    private const string RetiredTicketNumberAssigned = "HotlineGrains.Grains.Tickets.TicketNumberAssigned";

    private sealed record LegacyState(string Type, string Key, long Version, string Json);

    private sealed record LegacyReminder(string Type, string Key, string Name, DateTimeOffset DueAt);

    private sealed record LegacyMessage(string Type, string Key, string PayloadType, string PayloadJson);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} ticket numbering messages of the earlier runtime were not carried over: their tickets stay pending")]
    private static partial void LogDroppedNumbering(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Carried the earlier runtime's database over to Orleans: {States} grains, {Reminders} reminders, {Messages} undelivered grain messages; its tables are kept as retired_grain_state and retired_reminders")]
    private static partial void LogImported(ILogger logger, int states, int reminders, int messages);
}
