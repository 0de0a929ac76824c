using System.Data;
using System.Data.Common;
using HotlineGrains.Silo.Storage.Internal;
using Npgsql;

namespace HotlineGrains.Silo.Storage;

/// <summary>
/// Production storage: PostgreSQL 15+, shared by any number of nodes. Turns are guarded by the
/// grain's version; reminders are claimed with <c>FOR UPDATE SKIP LOCKED</c>; the outbox relay is
/// a session advisory lock, so exactly one node relays and the lock dies with its connection.
/// </summary>
internal sealed class PostgresDatabase(string connectionString) : SqlDatabase
{
    /// <summary>Advisory lock keys (arbitrary, fixed): "HLGR" + purpose.</summary>
    private const long MigrationLockKey = 0x484C_4752_0001;
    private const long OutboxLockKey = 0x484C_4752_0002;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public override string Name => StorageOptions.Postgres;

    protected override string JsonCast => "::jsonb";

    protected override string JsonText(string column, string field) => $"{column}->>'{field}'";

    protected internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    protected internal override async Task<(DbTransaction, IDisposable?)> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken), null);

    protected internal override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    protected internal override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected internal override object ToDb(Guid id) => id;

    protected internal override Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "select pg_advisory_xact_lock(@key)", cancellationToken, ("key", MigrationLockKey));

    public override async Task<IOutboxLease?> TryLeaseOutboxAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = Command(connection, null, "select pg_try_advisory_lock(@key)", ("key", OutboxLockKey));
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                // A pooled connection outlives the lease, so the lock is released explicitly; a node
                // that dies loses its session, and the lock with it.
                return new SqlOutboxLease(this, connection, null, "select pg_advisory_unlock_all()");
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
