using System.Data.Common;
using HotlineGrains.Silo.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace HotlineGrains.Silo.Storage;

/// <summary>
/// The embedded default: one SQLite file. SQLite has one writer per database, so write
/// transactions queue on an in-process gate instead of spinning on SQLITE_BUSY; readers run
/// beside the writer thanks to write-ahead logging. One process per file.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private readonly string connectionString;
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly SemaphoreSlim outboxLease = new(1, 1);

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        this.connectionString = builder.ToString();
    }

    public override string Name => StorageOptions.Sqlite;

    protected override string JsonCast => string.Empty;

    protected override string JsonText(string column, string field) => $"json_extract({column}, '$.{field}')";

    protected internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL lets readers run beside the writer; NORMAL sync keeps every commit across a process
        // crash (a power cut may lose the last ones, acceptable for the embedded default).
        await ExecuteAsync(connection, null, "pragma journal_mode = wal; pragma synchronous = normal; pragma busy_timeout = 30000;", cancellationToken);
        return connection;
    }

    protected internal override async Task<(DbTransaction, IDisposable?)> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            // Immediate: take the write lock now, so two processes on one file fail fast and visibly.
            var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            return (transaction, new Release(writer));
        }
        catch
        {
            writer.Release();
            throw;
        }
    }

    protected internal override object ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    protected internal override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    protected internal override object ToDb(Guid id) => id.ToString("D");

    protected internal override Guid ReadGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // the immediate transaction is the lock

    public override async Task<IOutboxLease?> TryLeaseOutboxAsync(CancellationToken cancellationToken)
    {
        if (!await outboxLease.WaitAsync(0, cancellationToken))
        {
            return null;
        }

        return new SqlOutboxLease(this, await OpenAsync(cancellationToken), new Release(outboxLease));
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
