using System.Data.Common;
using System.Reflection;

namespace HotlineGrains.Silo.Storage.Internal;

/// <summary>
/// The SQL both providers share. What differs between SQLite and PostgreSQL (connections, locks,
/// how times, ids and JSON are stored) is asked of the subclass; the statements are otherwise one.
/// </summary>
internal abstract partial class SqlDatabase : IHotlineDatabase
{
    public abstract string Name { get; }

    /// <summary>Cast applied to JSON parameters.</summary>
    protected abstract string JsonCast { get; }

    /// <summary>SQL for a top-level text field of a JSON column (the field name is checked to be a plain identifier).</summary>
    protected abstract string JsonText(string column, string field);

    protected internal abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a write transaction; the returned release runs after it ends.</summary>
    protected internal abstract Task<(DbTransaction Transaction, IDisposable? Release)> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    protected internal abstract object ToDb(DateTimeOffset time);

    protected internal abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    protected internal abstract object ToDb(Guid id);

    protected internal abstract Guid ReadGuid(DbDataReader reader, int ordinal);

    /// <summary>Serialises schema migrations across nodes that start together; runs inside the migration transaction.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    public abstract Task<IOutboxLease?> TryLeaseOutboxAsync(CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = MigrationScripts();
        await using var connection = await OpenAsync(cancellationToken);
        var (transaction, release) = await BeginWriteAsync(connection, cancellationToken);
        using (release)
        await using (transaction)
        {
            await LockForMigrationAsync(connection, transaction, cancellationToken);
            await ExecuteAsync(connection, transaction,
                "create table if not exists schema_migrations (version integer primary key, name text not null, applied_at text not null)",
                cancellationToken);
            var applied = new HashSet<int>();
            await using (var command = Command(connection, transaction, "select version from schema_migrations"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            foreach (var (version, name, sql) in scripts.Where(s => !applied.Contains(s.Version)))
            {
                await ExecuteAsync(connection, transaction, sql, cancellationToken);
                await using var record = Command(connection, transaction,
                    "insert into schema_migrations (version, name, applied_at) values (@v, @n, @t)",
                    ("v", version), ("n", name), ("t", DateTimeOffset.UtcNow.ToString("O")));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction that holds the migration lock, so that
    /// nodes starting together do it one after another; commits if it returns.
    /// </summary>
    internal async Task<T> RunUnderMigrationLockAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var (transaction, release) = await BeginWriteAsync(connection, cancellationToken);
        using (release)
        await using (transaction)
        {
            await LockForMigrationAsync(connection, transaction, cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
    }

    /// <summary>The provider's scripts, <c>NNNN_name.sql</c>, in version order.</summary>
    internal IReadOnlyList<(int Version, string Name, string Sql)> MigrationScripts()
    {
        var assembly = typeof(SqlDatabase).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.Migrations.{Name}.";
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var version = int.Parse(fileName[..4], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, fileName, reader.ReadToEnd()));
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No migration scripts embedded for provider {Name}.");
        }

        return scripts.OrderBy(s => s.Item1).ToList();
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "select 1", cancellationToken);
    }

    public async Task<OutboxBacklog> ReadOutboxBacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "select count(*), min(created_at) from outbox");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : ReadTime(reader, 1));
    }

    public async Task<(IReadOnlyList<string> Documents, int Total)> QueryReadModelAsync(ReadModelQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string> { "model = @model" };
        var parameters = new List<(string, object?)> { ("model", query.Model) };
        var scopes = query.Scopes.ToList();
        if (scopes.Count == 0)
        {
            return ([], 0);
        }

        where.Add($"scope in ({string.Join(", ", scopes.Select((_, i) => "@scope" + i))})");
        parameters.AddRange(scopes.Select((scope, i) => ("scope" + i, (object?)scope)));
        if (query.From is { } from)
        {
            where.Add("sort_time >= @from");
            parameters.Add(("from", ToDb(from)));
        }

        if (query.To is { } to)
        {
            where.Add("sort_time < @to");
            parameters.Add(("to", ToDb(to)));
        }

        var index = 0;
        foreach (var (field, value) in query.Filters)
        {
            if (!IsPlainIdentifier(field))
            {
                throw new ArgumentException($"Read-model filter field '{field}' is not a plain identifier.", nameof(query));
            }

            where.Add($"{JsonText("doc", field)} = @f{index}");
            parameters.Add(("f" + index, value));
            index++;
        }

        var condition = string.Join(" and ", where);
        await using var connection = await OpenAsync(cancellationToken);
        int total;
        await using (var count = Command(connection, null, $"select count(*) from read_models where {condition}", [.. parameters]))
        {
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        parameters.Add(("limit", query.Limit));
        parameters.Add(("offset", query.Offset));
        var order = query.Ascending ? "asc" : "desc";
        await using var select = Command(connection, null,
            $"select doc from read_models where {condition} order by sort_time {order}, grain_key {order} limit @limit offset @offset", [.. parameters]);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var documents = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(reader.GetString(0));
        }

        return (documents, total);
    }

    private static bool IsPlainIdentifier(string field) =>
        field.Length is > 0 and <= 64 && char.IsAsciiLetter(field[0]) && field.All(char.IsAsciiLetterOrDigit);

    internal string Json => JsonCast;

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    internal static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
