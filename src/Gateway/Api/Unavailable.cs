using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.Runtime;

namespace HotlineGrains.Gateway.Api;

/// <summary>
/// Failures that say the cluster or its storage is not there for a moment, not that the request was
/// wrong: a silo stopping (a rolling upgrade), a silo gone before it answered, no silo reachable,
/// PostgreSQL restarting, SQLite busy. They are answered 503 with Retry-After, as problem details, so
/// a client retries (with its Idempotency-Key or If-Match, which makes the retry safe) instead of
/// taking a 500 for a bug.
/// </summary>
internal static class Unavailable
{
    /// <summary>Seconds a client is told to wait: a silo's grains move, or a database restarts, within a few.</summary>
    public const int RetryAfterSeconds = 2;

    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException
                || current is NpgsqlException { IsTransient: true }
                // The server going away under a session: shut down by an operator or a crash (57P01,
                // 57P02), still starting (57P03), or the connection broken (class 08).
                || current is PostgresException { SqlState: ['5', '7', 'P', ..] or ['0', '8', ..] }
                || current is SqliteException { SqliteErrorCode: 5 or 6 }
                // Orleans' response timeout: the silo that held the grain went away mid-call.
                || current is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    public static IResult Problem() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable",
            detail: "The service could not reach the part of the cluster or the database this request needs. It may or may not have been applied: " +
                $"retry after {RetryAfterSeconds} s with the same Idempotency-Key or If-Match, which applies it at most once.");
}
