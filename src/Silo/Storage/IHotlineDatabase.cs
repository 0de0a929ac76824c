namespace HotlineGrains.Silo.Storage;

/// <summary>
/// Where grains live. Every provider passes the same test kit (tests/Silo.Tests/StorageKit):
/// a turn's state, events, messages and reminder changes commit in one transaction or not at all.
/// </summary>
public interface IHotlineDatabase : IAsyncDisposable
{
    /// <summary>Provider name as configured: <c>Sqlite</c> or <c>Postgres</c>.</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema from the versioned scripts in <c>Storage/Migrations</c>.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Answers when the database can be reached (readiness).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>A grain's committed state, or null if it was never written.</summary>
    Task<StoredState?> ReadStateAsync(GrainId id, CancellationToken cancellationToken);

    Task<IGrainTransaction> BeginAsync(CancellationToken cancellationToken);

    /// <summary>Reminders and messages due at <paramref name="now"/>, oldest first. Not a claim: see <see cref="IGrainTransaction.ClaimAsync"/>.</summary>
    Task<IReadOnlyList<DueReminder>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>When the earliest reminder or message is due, or null if there is none.</summary>
    Task<DateTimeOffset?> GetNextDueAtAsync(CancellationToken cancellationToken);

    /// <summary>Rows of a read model, newest first (or oldest first), with the total before paging.</summary>
    Task<(IReadOnlyList<string> Documents, int Total)> QueryReadModelAsync(ReadModelQuery query, CancellationToken cancellationToken);

    /// <summary>Moves a due firing whose grain failed to a later time, unless it was consumed or changed meanwhile.</summary>
    Task PostponeAsync(DueReminder due, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to relay the outbox. Only one holder at a time across all nodes, so events
    /// leave in order; the right dies with the holder's connection. Null when another node holds it.
    /// </summary>
    Task<IOutboxLease?> TryLeaseOutboxAsync(CancellationToken cancellationToken);
}

/// <summary>One grain turn's transaction.</summary>
public interface IGrainTransaction : IAsyncDisposable
{
    /// <summary>Reads the grain's state in this transaction; <paramref name="lockRow"/> holds its row until commit where the provider can.</summary>
    Task<StoredState?> ReadStateAsync(GrainId id, bool lockRow, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the state if the stored version is still <paramref name="expectedVersion"/> (0: not
    /// written yet). Returns the new version, or null if another turn got there first.
    /// </summary>
    Task<long?> WriteStateAsync(GrainId id, string stateJson, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True if the stored version is still <paramref name="expectedVersion"/>.</summary>
    Task<bool> IsCurrentAsync(GrainId id, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a due reminder or message for this transaction (<c>FOR UPDATE SKIP LOCKED</c> on
    /// PostgreSQL). Null if it is gone, not due any more, or held by another node.
    /// </summary>
    Task<DueReminder?> ClaimAsync(long reminderId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Consumes a claimed firing: deletes a one-shot, moves a periodic one to <paramref name="nextDueAt"/>.</summary>
    Task CompleteAsync(DueReminder claimed, DateTimeOffset? nextDueAt, CancellationToken cancellationToken);

    Task SetReminderAsync(GrainId id, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken);

    Task CancelReminderAsync(GrainId id, string name, CancellationToken cancellationToken);

    /// <summary>Queues a one-way message to a grain, due at once.</summary>
    Task EnqueueMessageAsync(GrainId target, Guid messageId, string messageType, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes (<paramref name="documentJson"/> not null) or removes a grain's row in a read model.</summary>
    Task SetReadModelAsync(string model, string grainKey, string scope, DateTimeOffset sortTime, string? documentJson, DateTimeOffset now, CancellationToken cancellationToken);

    Task AppendOutboxAsync(GrainId source, Guid messageId, string messageType, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>The right to relay the outbox; see <see cref="IHotlineDatabase.TryLeaseOutboxAsync"/>.</summary>
public interface IOutboxLease : IAsyncDisposable
{
    /// <summary>The oldest unrelayed events, in commit order per grain.</summary>
    Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Forgets events that reached the bus.</summary>
    Task DeleteAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken);
}

public sealed record StoredState(string StateJson, long Version);

/// <summary>A reminder or message whose time has come. A message has a payload; a reminder has none.</summary>
public sealed record DueReminder(
    long Id,
    GrainId Grain,
    string Name,
    DateTimeOffset DueAt,
    TimeSpan? Period,
    long Sequence,
    string? PayloadType,
    string? PayloadJson)
{
    public bool IsMessage => PayloadType is not null;
}

public sealed record OutboxMessage(long Position, Guid MessageId, GrainId Source, string MessageType, string PayloadJson, DateTimeOffset CreatedAt);
