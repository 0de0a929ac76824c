using System.Data.Common;
using System.Globalization;

namespace HotlineGrains.Silo.Storage.Internal;

/// <summary>
/// The audit trail on the grain storage's own database, for both providers: the statements are
/// one, and connections, write transactions (SQLite's single-writer gate) and instants come from
/// the storage, so an audit insert queues with grain turns instead of racing them for the file.
/// </summary>
internal sealed class SqlAuditTrail(IHotlineDatabase grainStorage) : IAuditTrail
{
    private const string Columns = "id, at, user_id, action, resource_type, resource_id, project_id, from_address, outcome, detail";

    private readonly SqlDatabase storage = grainStorage as SqlDatabase
        ?? throw new InvalidOperationException($"The audit trail needs one of the SQL storage providers, not {grainStorage.GetType().Name}.");

    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Required(entry.User, nameof(AuditEntry.User));
        Required(entry.Action, nameof(AuditEntry.Action));
        Required(entry.ResourceType, nameof(AuditEntry.ResourceType));
        Required(entry.ResourceId, nameof(AuditEntry.ResourceId));
        Required(entry.Outcome, nameof(AuditEntry.Outcome));

        await using var connection = await storage.OpenAsync(ct);
        var (transaction, release) = await storage.BeginWriteAsync(connection, ct);
        using (release)
        await using (transaction)
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                "insert into audit_trail (at, user_id, action, resource_type, resource_id, project_id, from_address, outcome, detail) "
                + "values (@at, @user, @action, @type, @id, @project, @from, @outcome, @detail)",
                ct,
                ("at", storage.ToDb(TruncateToMillisecond(entry.At))),
                ("user", entry.User),
                ("action", entry.Action),
                ("type", entry.ResourceType),
                ("id", entry.ResourceId),
                ("project", entry.ProjectId),
                ("from", entry.From),
                ("outcome", entry.Outcome),
                ("detail", entry.Detail));
            await transaction.CommitAsync(ct);
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));

        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                parameters.Add((column, value));
            }
        }

        Equal("resource_type", query.ResourceType);
        Equal("resource_id", query.ResourceId);
        Equal("user_id", query.User);
        Equal("project_id", query.ProjectId);

        // Stored instants are whole milliseconds, so rounding a bound up to one changes no answer
        // and makes SQLite (milliseconds) and PostgreSQL (microseconds) compare alike.
        if (query.From is { } from)
        {
            if (CeilingToMillisecond(from) is not { } earliest)
            {
                return new AuditPage([], 0); // after the last storable millisecond
            }

            where.Add("at >= @from");
            parameters.Add(("from", storage.ToDb(earliest)));
        }

        if (query.To is { } to && CeilingToMillisecond(to) is { } end)
        {
            where.Add("at < @to");
            parameters.Add(("to", storage.ToDb(end)));
        }

        var condition = where.Count == 0 ? string.Empty : "where " + string.Join(" and ", where);
        await using var connection = await storage.OpenAsync(ct);
        int total;
        await using (var count = SqlDatabase.Command(connection, null, $"select count(*) from audit_trail {condition}", [.. parameters]))
        {
            total = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        parameters.Add(("limit", query.Limit));
        parameters.Add(("offset", query.Offset));
        await using var select = SqlDatabase.Command(connection, null,
            $"select {Columns} from audit_trail {condition} order by at desc, id desc limit @limit offset @offset", [.. parameters]);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var items = new List<AuditRecord>();
        while (await reader.ReadAsync(ct))
        {
            items.Add(new AuditRecord(
                reader.GetInt64(0),
                storage.ReadTime(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                NullableString(reader, 6),
                NullableString(reader, 7),
                reader.GetString(8),
                NullableString(reader, 9)));
        }

        return new AuditPage(items, total);
    }

    /// <summary>Null reaches here only past the compiler's nullable checks; say which field rather than let the database refuse the row.</summary>
    private static void Required(string? value, string field)
    {
        if (value is null)
        {
            throw new ArgumentException($"An audit entry needs {field}.", "entry");
        }
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset TruncateToMillisecond(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    /// <summary>The first whole millisecond at or after <paramref name="time"/>; null past the last one there is.</summary>
    private static DateTimeOffset? CeilingToMillisecond(DateTimeOffset time)
    {
        var truncated = TruncateToMillisecond(time);
        if (truncated.UtcTicks == time.UtcTicks)
        {
            return truncated;
        }

        return DateTimeOffset.MaxValue.UtcTicks - truncated.UtcTicks < TimeSpan.TicksPerMillisecond
            ? null
            : truncated.AddMilliseconds(1);
    }
}
