namespace HotlineGrains.Silo.Storage;

/// <summary>
/// The hotline's database beside the Orleans providers' tables: the schema and its migrations, the
/// read models grains write with their state, the outbox the relay empties, and the audit trail.
/// One per silo or gateway process, on the same database (a SQLite file or PostgreSQL) as the grains.
/// </summary>
public interface IHotlineDatabase : IAsyncDisposable
{
    /// <summary>Provider name as configured: <c>Sqlite</c> or <c>Postgres</c>.</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema from the versioned scripts in <c>Storage/Migrations</c>.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Answers when the database can be reached (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>How many rows wait in the outbox and when the oldest was stored (readiness and metrics).</summary>
    Task<OutboxBacklog> ReadOutboxBacklogAsync(CancellationToken cancellationToken);

    /// <summary>Rows of a read model, newest first (or oldest first), with the total before paging.</summary>
    Task<(IReadOnlyList<string> Documents, int Total)> QueryReadModelAsync(ReadModelQuery query, CancellationToken cancellationToken);

    /// <summary>A page of open tickets' register rows (see <see cref="IOpenTicketList"/>), the number matching, and the counts of all.</summary>
    Task<(IReadOnlyList<string> Documents, int Total, OpenTicketTally Counts)> QueryOpenTicketsAsync(OpenTicketQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to relay the outbox. Only one holder at a time across all nodes, so events
    /// leave in order; the right dies with the holder's connection. Null when another node holds it.
    /// </summary>
    Task<IOutboxLease?> TryLeaseOutboxAsync(CancellationToken cancellationToken);
}

/// <summary>The right to relay the outbox; see <see cref="IHotlineDatabase.TryLeaseOutboxAsync"/>.</summary>
public interface IOutboxLease : IAsyncDisposable
{
    /// <summary>The oldest rows not yet relayed, in the order they were stored.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Forgets rows that reached the bus or their grain.</summary>
    Task DeleteAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken);
}

/// <summary>
/// One outbox row: an event for the bus (<see cref="Target"/> null) or a message to a grain, as
/// the turn of <see cref="Source"/> (<c>type/key</c>) stored it.
/// </summary>
public sealed record OutboxMessage(long Position, Guid MessageId, string Source, string MessageType, string? Target, string PayloadJson, DateTimeOffset CreatedAt);

/// <summary>The outbox as an operator watches it: rows waiting, and when the oldest of them was stored (null when none wait).</summary>
public sealed record OutboxBacklog(long Rows, DateTimeOffset? OldestCreatedAt)
{
    /// <summary>How long the oldest waiting row has waited at <paramref name="now"/>.</summary>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestCreatedAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}
