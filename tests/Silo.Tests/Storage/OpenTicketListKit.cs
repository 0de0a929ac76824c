using HotlineGrains.Grains.Tickets;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests.Storage;

/// <summary>
/// The open-ticket list (migration 0007, issue 13) answers the same on every storage provider:
/// only open tickets, filtered, in the asked order, paged without gaps, counted. Each check is
/// against the same rows worked out in memory. Each test seeds projects of its own.
/// </summary>
public abstract class OpenTicketListKit : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 4, 0, 0, TimeSpan.Zero);
    private static readonly string[] Agents = ["agent-a", "agent-b", "agent-c"];
    private static readonly string[] Departments = ["工程部", "秩序部"];

    private IHost? host;

    private IOpenTicketList List => (host ?? throw new InvalidOperationException("not started")).Services.GetRequiredService<IOpenTicketList>();

    protected abstract Dictionary<string, string?> Settings();

    protected abstract Task InsertAsync(IReadOnlyList<TicketRegisterRow> rows);

    public async Task InitializeAsync() => host = await TestSilo.StartAsync(Settings());

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>300 open tickets of a new project, plus 30 closed and 10 pending ones that must never be listed.</summary>
    private async Task<(string Project, List<TicketRegisterRow> Open)> SeedAsync(int open = 300)
    {
        var project = "p" + Guid.NewGuid().ToString("N")[..12];
        var rows = OpenTicketSeed.Rows(project, "T", open + 40, Now, Agents, Departments)
            .Select((row, i) => i < 30 ? row with { Status = "Closed" } : i < 40 ? row with { Status = "Pending" } : row).ToList();
        await InsertAsync(rows);
        return (project, rows.Skip(40).ToList());
    }

    private static List<string> InBoardOrder(IEnumerable<TicketRegisterRow> rows) =>
        [.. rows.OrderBy(r => r.NextDueAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.ReceivedAt).ThenBy(r => r.TicketId, StringComparer.Ordinal).Select(r => r.TicketId)];

    private async Task<List<string>> AllPagesAsync(OpenTicketQuery query, int pageSize)
    {
        var ids = new List<string>();
        for (var offset = 0; ; offset += pageSize)
        {
            var page = await List.QueryAsync(query with { Offset = offset, Limit = pageSize });
            ids.AddRange(page.Items.Select(r => r.TicketId));
            if (page.Items.Count < pageSize)
            {
                return ids;
            }
        }
    }

    [Fact]
    public async Task Open_tickets_come_by_next_deadline_with_undated_ones_last_and_closed_or_pending_ones_never()
    {
        var (project, open) = await SeedAsync();

        var page = await List.QueryAsync(new OpenTicketQuery([project]) { Limit = 200 });

        Assert.Equal(open.Count, page.Total);
        Assert.Equal(InBoardOrder(open).Take(200), page.Items.Select(r => r.TicketId));
        Assert.All(page.Items, r => Assert.DoesNotContain(r.Status, new[] { "Closed", "Pending" }));
    }

    [Fact]
    public async Task Pages_follow_one_another_without_a_gap_or_a_repeat()
    {
        var (project, open) = await SeedAsync();

        Assert.Equal(InBoardOrder(open), await AllPagesAsync(new OpenTicketQuery([project]), 47));
    }

    [Fact]
    public async Task Each_filter_lists_exactly_the_matching_open_tickets_and_counts_them()
    {
        var (project, open) = await SeedAsync();
        var cases = new (OpenTicketQuery Query, Func<TicketRegisterRow, bool> Matches)[]
        {
            (new([project]) { Status = "Forwarded" }, r => r.Status == "Forwarded"),
            (new([project]) { Severity = "Complex" }, r => r.Severity == "Complex"),
            (new([project]) { Department = "秩序部" }, r => r.Department == "秩序部"),
            (new([project]) { Department = OpenTicketQuery.Unassigned }, r => r.Department is null),
            (new([project]) { Agent = "agent-b" }, r => r.Agent == "agent-b"),
            (new([project]) { Agent = OpenTicketQuery.Unassigned }, r => r.Agent is null),
            (new([project]) { Risk = OpenTicketRisk.AtRisk }, r => r.SlaState == "AtRisk"),
            (new([project]) { Risk = OpenTicketRisk.Breached }, r => r.SlaState is "Breached" or "Missed"),
            (new([project]) { Risk = OpenTicketRisk.AtRiskOrBreached }, r => r.SlaState is "AtRisk" or "Breached" or "Missed"),
            (new([project]) { Status = "InProgress", Agent = "agent-a", Severity = "General" },
                r => r.Status == "InProgress" && r.Agent == "agent-a" && r.Severity == "General"),
        };

        foreach (var (query, matches) in cases)
        {
            var expected = InBoardOrder(open.Where(matches));
            var page = await List.QueryAsync(query with { Limit = 200 });
            Assert.True(expected.Count > 0, $"the seed has rows for {query}");
            Assert.Equal(expected.Count, page.Total);
            Assert.Equal(expected, page.Items.Select(r => r.TicketId));
        }
    }

    [Fact]
    public async Task The_counts_are_of_every_open_ticket_of_the_projects_whatever_the_filter()
    {
        var (project, open) = await SeedAsync();

        var counts = (await List.QueryAsync(new OpenTicketQuery([project]) { Agent = "agent-c", Limit = 1 })).Counts;

        Assert.Equal(open.Count, counts.Open);
        Assert.Equal(open.CountBy(r => r.Status).ToDictionary(), counts.ByStatus);
        Assert.Equal(open.CountBy(r => r.Severity).ToDictionary(), counts.BySeverity);
        Assert.Equal(open.Count(r => r.SlaState == "AtRisk"), counts.AtRisk);
        Assert.Equal(open.Count(r => r.SlaState is "Breached" or "Missed"), counts.Breached);
    }

    [Fact]
    public async Task Oldest_received_and_most_complex_orders_hold_across_pages()
    {
        var (project, open) = await SeedAsync();

        var byReceipt = await AllPagesAsync(new OpenTicketQuery([project]) { Order = OpenTicketOrder.Received }, 64);
        var bySeverity = await AllPagesAsync(new OpenTicketQuery([project]) { Order = OpenTicketOrder.Severity }, 64);

        Assert.Equal(open.OrderBy(r => r.ReceivedAt).ThenBy(r => r.TicketId, StringComparer.Ordinal).Select(r => r.TicketId), byReceipt);
        var rank = new Dictionary<string, int> { ["Complex"] = 0, ["General"] = 1, ["Simple"] = 2 };
        Assert.Equal(
            open.OrderBy(r => rank[r.Severity]).ThenBy(r => r.NextDueAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.ReceivedAt)
                .ThenBy(r => r.TicketId, StringComparer.Ordinal).Select(r => r.TicketId),
            bySeverity);
    }

    [Fact]
    public async Task Only_the_asked_projects_are_listed_and_several_are_listed_as_one()
    {
        var (first, firstOpen) = await SeedAsync(120);
        var (second, secondOpen) = await SeedAsync(80);
        var (_, _) = await SeedAsync(50);

        var one = await List.QueryAsync(new OpenTicketQuery([second]) { Limit = 200 });
        var both = await List.QueryAsync(new OpenTicketQuery([first, second]) { Limit = 200 });

        Assert.Equal(secondOpen.Count, one.Total);
        Assert.All(one.Items, r => Assert.Equal(second, r.ProjectId));
        Assert.Equal(InBoardOrder(firstOpen.Concat(secondOpen)), both.Items.Select(r => r.TicketId));
        Assert.Equal(firstOpen.Count + secondOpen.Count, both.Counts.Open);
        Assert.Equal(0, (await List.QueryAsync(new OpenTicketQuery([]))).Total);
    }
}

public sealed class SqliteOpenTicketListTests : OpenTicketListKit, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-sqlite-").FullName;

    private string File => Path.Combine(directory, "hotline.db");

    protected override Dictionary<string, string?> Settings() => TestSilo.Sqlite(File);

    protected override Task InsertAsync(IReadOnlyList<TicketRegisterRow> rows) => OpenTicketSeed.InsertIntoSqliteAsync(File, rows);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

public sealed class PostgresOpenTicketListTests(PostgresFixture database) : OpenTicketListKit, IClassFixture<PostgresFixture>
{
    protected override Dictionary<string, string?> Settings() => TestSilo.Postgres(database.ConnectionString);

    protected override Task InsertAsync(IReadOnlyList<TicketRegisterRow> rows) => OpenTicketSeed.InsertIntoPostgresAsync(database.ConnectionString, rows);
}
