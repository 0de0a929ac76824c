using System.Text.Json;
using HotlineGrains.Grains.Reports;
using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Storage;
using HotlineGrains.Silo.Storage.Internal;
using HotlineGrains.Testing;

namespace HotlineGrains.Silo.Tests.Storage;

/// <summary>
/// The typed <c>ticket_facts</c> table (migration 0006, issue 12): filled from the fact documents
/// stored before it, then kept by every read-model write in that write's transaction, and added up
/// by the report queries with the figures the documents hold.
/// </summary>
public abstract class TicketFactsTableTests
{
    private const string Project = "weibang-plaza";
    private static readonly DateTimeOffset March = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly ProjectSpan TheMonth = new(Project, March.AddDays(-1), March.AddDays(30));

    protected abstract StorageOptions Storage();

    [Fact]
    public async Task Facts_stored_before_the_migration_are_backfilled_and_later_writes_follow_them()
    {
        var database = (SqlDatabase)HotlineHostingExtensions.CreateDatabase(Storage());
        await using var _ = database;
        await MigrateBeforeTicketFactsAsync(database);
        // Working times over a day ("1.02:30:00") and with fractions of a second, as System.Text.Json writes TimeSpans.
        await WriteAsync(database, Facts("t-1", "Closed", new ClockFact("Met", new TimeSpan(1, 2, 30, 0)), founded: true, reasons: ["灯还不亮"]));
        await WriteAsync(database, Facts("t-2", "Closed", new ClockFact("Breached", TimeSpan.FromSeconds(2730.5)), founded: false, reasons: []));
        await WriteAsync(database, Facts("t-3", "Handling", new ClockFact("Running", null), founded: null, reasons: []));

        await database.MigrateAsync(CancellationToken.None);
        var report = new SqlTicketFactsReport(database);
        var backfilled = await report.CountAsync(new TicketFactsQuery([TheMonth]));
        Assert.Equal((3, 1, 1, 1), (backfilled.Received, backfilled.ComplaintsFounded, backfilled.ComplaintsUnfounded, backfilled.ComplaintsNotVerified));
        Assert.Equal((3, 1, 1, 1), (backfilled.Deadline.Tickets, backfilled.Deadline.Met, backfilled.Deadline.Missed, backfilled.Deadline.Open));
        Assert.Equal((2730.5 / 60, 1590.0), (backfilled.Deadline.MedianMinutes, backfilled.Deadline.P90Minutes));
        Assert.Equal(new[] { "灯还不亮" }, backfilled.Callbacks.UnsatisfiedReasons);
        Assert.Equal("""{"Closed":2,"Handling":1}""", JsonSerializer.Serialize(backfilled.ByStatus));

        // A later write replaces the ticket's row, a removal removes it, a rolled-back write leaves it.
        await WriteAsync(database, Facts("t-3", "Closed", new ClockFact("Met", TimeSpan.FromMinutes(30)), founded: true, reasons: []));
        await RemoveAsync(database, "t-2");
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(database, Facts("t-1", "Handling", null, founded: null, reasons: []), rollBack: true));
        var later = await report.CountAsync(new TicketFactsQuery([TheMonth]));
        Assert.Equal("""{"Closed":2}""", JsonSerializer.Serialize(later.ByStatus));
        Assert.Equal((2, 2, 30.0, 1590.0), (later.Deadline.Tickets, later.Deadline.Met, later.Deadline.MedianMinutes, later.Deadline.P90Minutes));

        // Outside the span, or for another agent, nothing.
        Assert.Equal(0, (await report.CountAsync(new TicketFactsQuery([TheMonth with { From = March.AddDays(1) }]))).Received);
        Assert.Equal(0, (await report.CountAsync(new TicketFactsQuery([TheMonth]) { Agent = "agent-9" })).Received);
        Assert.Null((await report.CountAsync(new TicketFactsQuery([]))).Deadline.MedianMinutes);
    }

    /// <summary>The schema as it stood before migration 0006, recorded as applied, so that the next migration runs 0006 alone.</summary>
    private static Task MigrateBeforeTicketFactsAsync(SqlDatabase database) =>
        database.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                "create table schema_migrations (version integer primary key, name text not null, applied_at text not null)", CancellationToken.None);
            foreach (var (version, name, sql) in database.MigrationScripts().Where(s => s.Version < 6))
            {
                await SqlDatabase.ExecuteAsync(connection, transaction, sql, CancellationToken.None);
                await SqlDatabase.ExecuteAsync(connection, transaction, "insert into schema_migrations (version, name, applied_at) values (@v, @n, 'test')",
                    CancellationToken.None, ("v", version), ("n", name));
            }

            return 0;
        }, CancellationToken.None);

    private static TicketFacts Facts(string id, string status, ClockFact? deadline, bool? founded, string[] reasons) => new(
        id, Project, March.AddHours(id[^1] - '0'), "Complaint", "维修", "General", false, "Phone", status, "agent-1001", null,
        founded, 0, reasons.Length, reasons.Length == 0 ? null : "Unsatisfied", reasons, null, null, deadline,
        status == "Closed" ? March.AddDays(1) : null, status == "Closed" ? March.AddDays(2) : null);

    /// <summary>The row as the grain-storage providers write it (same upsert), optionally rolled back.</summary>
    private static Task WriteAsync(SqlDatabase database, TicketFacts facts, bool rollBack = false) =>
        database.RunUnderMigrationLockAsync(async (connection, transaction) =>
        {
            await SqlDatabase.ExecuteAsync(connection, transaction,
                $"""
                insert into read_models (model, grain_key, scope, sort_time, doc, updated_at) values (@m, @k, @scope, @sort, @doc{database.Json}, @now)
                on conflict (model, grain_key) do update
                set scope = excluded.scope, sort_time = excluded.sort_time, doc = excluded.doc, updated_at = excluded.updated_at
                """,
                CancellationToken.None,
                ("m", TicketFacts.Model), ("k", facts.TicketId), ("scope", facts.ProjectId), ("sort", database.ToDb(facts.ReceivedAt)),
                ("doc", JsonSerializer.Serialize(facts, GrainRecordJson.Options)), ("now", database.ToDb(March)));
            return rollBack ? throw new InvalidOperationException("the turn failed after its write") : 0;
        }, CancellationToken.None);

    private static Task RemoveAsync(SqlDatabase database, string ticketId) =>
        database.RunUnderMigrationLockAsync(
            (connection, transaction) => SqlDatabase.ExecuteAsync(connection, transaction, "delete from read_models where model = @m and grain_key = @k",
                CancellationToken.None, ("m", TicketFacts.Model), ("k", ticketId)),
            CancellationToken.None);
}

public sealed class SqliteTicketFactsTableTests : TicketFactsTableTests, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-facts-").FullName;

    protected override StorageOptions Storage() => new() { Provider = StorageOptions.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory, "hotline.db")}" };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

public sealed class PostgresTicketFactsTableTests(PostgresFixture database) : TicketFactsTableTests, IClassFixture<PostgresFixture>
{
    protected override StorageOptions Storage() => new() { Provider = StorageOptions.Postgres, ConnectionString = database.ConnectionString };
}
