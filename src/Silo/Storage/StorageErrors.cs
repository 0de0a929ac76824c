using Microsoft.Data.Sqlite;
using Npgsql;

namespace HotlineGrains.Silo.Storage;

/// <summary>Errors that mean "another transaction got there first": the turn is re-run, not failed.</summary>
internal static class StorageErrors
{
    public static bool IsConflict(Exception exception) => exception switch
    {
        // serialization_failure, deadlock_detected, unique_violation (two nodes creating one row)
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation,
        // SQLITE_BUSY, SQLITE_LOCKED: another process holds the file
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6,
        _ => false,
    };
}
