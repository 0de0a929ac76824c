using System.Data.Common;

namespace HotlineGrains.Silo.Storage.Internal;

/// <summary>The outbox relay's connection, held for as long as this node relays.</summary>
internal sealed class SqlOutboxLease(SqlDatabase storage, DbConnection connection, IDisposable? release, string? unlockSql = null) : IOutboxLease
{
    public async Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, null,
            "select position, message_id, grain_type, grain_key, message_type, target, payload, created_at from outbox order by position limit @limit",
            ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage(
                reader.GetInt64(0),
                storage.ReadGuid(reader, 1),
                reader.GetString(2) + "/" + reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                storage.ReadTime(reader, 7)));
        }

        return messages;
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        if (positions.Count == 0)
        {
            return;
        }

        // Positions are our own longs, never user input, so inlining them is safe and portable.
        var list = string.Join(',', positions.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await SqlDatabase.ExecuteAsync(connection, null, $"delete from outbox where position in ({list})", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (unlockSql is not null)
            {
                try
                {
                    await SqlDatabase.ExecuteAsync(connection, null, unlockSql, CancellationToken.None);
                }
                catch (DbException)
                {
                    // A broken connection has lost its session, and the lock with it.
                }
            }

            await connection.DisposeAsync();
        }
        finally
        {
            release?.Dispose();
        }
    }
}
