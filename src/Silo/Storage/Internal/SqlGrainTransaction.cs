using System.Data.Common;

namespace HotlineGrains.Silo.Storage.Internal;

internal sealed class SqlGrainTransaction(
    SqlDatabase storage,
    DbConnection connection,
    DbTransaction transaction,
    IDisposable? release) : IGrainTransaction
{
    private bool ended;

    public Task<StoredState?> ReadStateAsync(GrainId id, bool lockRow, CancellationToken cancellationToken) =>
        storage.ReadStateAsync(connection, transaction, id, lockRow ? storage.SelectStateForUpdateSuffix : string.Empty, cancellationToken);

    public async Task<long?> WriteStateAsync(GrainId id, string stateJson, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = expectedVersion + 1;
        var rows = expectedVersion == 0
            ? await SqlDatabase.ExecuteAsync(connection, transaction,
                $"insert into grain_state (grain_type, grain_key, version, state, updated_at) values (@t, @k, 1, @s{storage.Json}, @now) on conflict do nothing",
                cancellationToken, ("t", id.Type), ("k", id.Key), ("s", stateJson), ("now", storage.ToDb(now)))
            : await SqlDatabase.ExecuteAsync(connection, transaction,
                $"update grain_state set version = @next, state = @s{storage.Json}, updated_at = @now where grain_type = @t and grain_key = @k and version = @expected",
                cancellationToken, ("t", id.Type), ("k", id.Key), ("s", stateJson), ("now", storage.ToDb(now)), ("next", next), ("expected", expectedVersion));
        return rows == 1 ? next : null;
    }

    public async Task<bool> IsCurrentAsync(GrainId id, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction,
            "select version from grain_state where grain_type = @t and grain_key = @k", ("t", id.Type), ("k", id.Key));
        var stored = await command.ExecuteScalarAsync(cancellationToken);
        var version = stored is null or DBNull ? 0L : Convert.ToInt64(stored, System.Globalization.CultureInfo.InvariantCulture);
        return version == expectedVersion;
    }

    public async Task<DueReminder?> ClaimAsync(long reminderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, transaction, storage.ClaimSql, ("id", reminderId), ("now", storage.ToDb(now)));
        var claimed = await storage.ReadRemindersAsync(command, cancellationToken);
        return claimed.Count == 1 ? claimed[0] : null;
    }

    public async Task CompleteAsync(DueReminder claimed, DateTimeOffset? nextDueAt, CancellationToken cancellationToken)
    {
        if (nextDueAt is { } next)
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                "update reminders set due_at = @due, sequence = sequence + 1 where id = @id and sequence = @sequence",
                cancellationToken, ("due", storage.ToDb(next)), ("id", claimed.Id), ("sequence", claimed.Sequence));
        }
        else
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                "delete from reminders where id = @id and sequence = @sequence",
                cancellationToken, ("id", claimed.Id), ("sequence", claimed.Sequence));
        }
    }

    public Task SetReminderAsync(GrainId id, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken) =>
        SqlDatabase.ExecuteAsync(connection, transaction,
            """
            insert into reminders (grain_type, grain_key, name, due_at, period_ms, sequence)
            values (@t, @k, @n, @due, @period, 0)
            on conflict (grain_type, grain_key, name)
            do update set due_at = excluded.due_at, period_ms = excluded.period_ms, sequence = reminders.sequence + 1
            """,
            cancellationToken,
            ("t", id.Type), ("k", id.Key), ("n", name), ("due", storage.ToDb(dueAt)),
            ("period", period is { } p ? (long)p.TotalMilliseconds : null));

    public Task CancelReminderAsync(GrainId id, string name, CancellationToken cancellationToken) =>
        SqlDatabase.ExecuteAsync(connection, transaction,
            "delete from reminders where grain_type = @t and grain_key = @k and name = @n",
            cancellationToken, ("t", id.Type), ("k", id.Key), ("n", name));

    public Task EnqueueMessageAsync(GrainId target, Guid messageId, string messageType, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken) =>
        SqlDatabase.ExecuteAsync(connection, transaction,
            $"insert into reminders (grain_type, grain_key, name, due_at, period_ms, sequence, payload_type, payload) values (@t, @k, @n, @due, null, 0, @type, @p{storage.Json})",
            cancellationToken,
            ("t", target.Type), ("k", target.Key), ("n", "message:" + messageId.ToString("N")), ("due", storage.ToDb(now)),
            ("type", messageType), ("p", payloadJson));

    public Task SetReadModelAsync(string model, string grainKey, string scope, DateTimeOffset sortTime, string? documentJson, DateTimeOffset now, CancellationToken cancellationToken) =>
        documentJson is null
            ? SqlDatabase.ExecuteAsync(connection, transaction, "delete from read_models where model = @m and grain_key = @k",
                cancellationToken, ("m", model), ("k", grainKey))
            : SqlDatabase.ExecuteAsync(connection, transaction,
                $"""
                insert into read_models (model, grain_key, scope, sort_time, doc, updated_at) values (@m, @k, @s, @t, @d{storage.Json}, @now)
                on conflict (model, grain_key) do update set scope = excluded.scope, sort_time = excluded.sort_time, doc = excluded.doc, updated_at = excluded.updated_at
                """,
                cancellationToken, ("m", model), ("k", grainKey), ("s", scope), ("t", storage.ToDb(sortTime)), ("d", documentJson), ("now", storage.ToDb(now)));

    public Task AppendOutboxAsync(GrainId source, Guid messageId, string messageType, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken) =>
        SqlDatabase.ExecuteAsync(connection, transaction,
            $"insert into outbox (message_id, grain_type, grain_key, message_type, payload, created_at) values (@id, @t, @k, @type, @p{storage.Json}, @now)",
            cancellationToken,
            ("id", storage.ToDb(messageId)), ("t", source.Type), ("k", source.Key), ("type", messageType), ("p", payloadJson), ("now", storage.ToDb(now)));

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        ended = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!ended)
            {
                try
                {
                    await transaction.RollbackAsync();
                }
                catch (DbException)
                {
                    // The connection is broken; closing it below discards the transaction anyway.
                }
                catch (InvalidOperationException)
                {
                    // Already completed by the provider after a failed statement.
                }
            }

            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
        finally
        {
            release?.Dispose();
        }
    }
}
