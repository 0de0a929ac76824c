using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests.Storage;

/// <summary>
/// What the audit trail must do on every storage provider, through the silo's own registration and
/// migrations. A PostgreSQL database is shared by the tests of a class, so each test keeps to
/// users, resources, projects or times of its own.
/// </summary>
public abstract class AuditTrailKit : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private IHost? host;

    protected IAuditTrail Audit => (host ?? throw new InvalidOperationException("not started")).Services.GetRequiredService<IAuditTrail>();

    protected abstract Dictionary<string, string?> Settings();

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static AuditEntry Entry(
        string user,
        DateTimeOffset? at = null,
        string resourceType = "ticket",
        string? resourceId = null,
        string? projectId = null,
        string? detail = null) =>
        new(at ?? Noon, user, "read", resourceType, resourceId ?? NewKey(), projectId, "10.0.0.7", "ok", detail);

    public async Task InitializeAsync() => host = await TestSilo.StartAsync(Settings());

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task Every_field_of_an_entry_comes_back_as_recorded()
    {
        var entry = new AuditEntry(
            new DateTimeOffset(2026, 3, 2, 9, 30, 15, 123, TimeSpan.FromHours(8)),
            "agent-" + NewKey(),
            "change:forward",
            "ticket",
            "T-" + NewKey(),
            "weibang-plaza",
            "203.0.113.9",
            "denied",
            "to: engineering");

        await Audit.RecordAsync(entry);
        var page = await Audit.QueryAsync(new AuditQuery { ResourceType = "ticket", ResourceId = entry.ResourceId });

        var record = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.True(record.Id > 0);
        Assert.Equal(entry, record.ToEntry());
        Assert.Equal(entry.At.UtcDateTime, record.At.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, record.At.Offset);
    }

    [Fact]
    public async Task Optional_fields_left_out_come_back_as_null()
    {
        var entry = new AuditEntry(Noon, "agent-" + NewKey(), "export", "register", "weibang-plaza", null, null, "ok");

        await Audit.RecordAsync(entry);

        var record = Assert.Single((await Audit.QueryAsync(new AuditQuery { User = entry.User })).Items);
        Assert.Null(record.ProjectId);
        Assert.Null(record.From);
        Assert.Null(record.Detail);
        Assert.Equal(entry, record.ToEntry());
    }

    [Fact]
    public async Task An_instant_is_kept_to_the_millisecond_on_every_provider()
    {
        var user = "agent-" + NewKey();
        var at = Noon.AddTicks(1_234_567); // 123.4567 ms after noon

        await Audit.RecordAsync(Entry(user, at));

        var record = Assert.Single((await Audit.QueryAsync(new AuditQuery { User = user })).Items);
        Assert.Equal(Noon.AddMilliseconds(123), record.At);
    }

    [Fact]
    public async Task A_query_by_resource_needs_both_its_type_and_its_id_to_match()
    {
        var id = NewKey();
        var user = "agent-" + NewKey();
        await Audit.RecordAsync(Entry(user, Noon, "ticket", id, detail: "the ticket"));
        await Audit.RecordAsync(Entry(user, Noon, "customer", id, detail: "a customer with the same key"));
        await Audit.RecordAsync(Entry(user, Noon, "ticket", NewKey(), detail: "another ticket"));

        var ticket = await Audit.QueryAsync(new AuditQuery { ResourceType = "ticket", ResourceId = id });
        var customer = await Audit.QueryAsync(new AuditQuery { ResourceType = "customer", ResourceId = id });

        Assert.Equal("the ticket", Assert.Single(ticket.Items).Detail);
        Assert.Equal(1, ticket.Total);
        Assert.Equal("a customer with the same key", Assert.Single(customer.Items).Detail);
        Assert.Equal(1, customer.Total);
    }

    [Fact]
    public async Task A_query_by_user_finds_every_resource_that_user_touched_and_nobody_elses()
    {
        var user = "agent-" + NewKey();
        var colleague = "agent-" + NewKey();
        var resources = new[] { "ticket", "customer", "register", "agent" };
        foreach (var type in resources)
        {
            await Audit.RecordAsync(Entry(user, Noon, type));
        }

        await Audit.RecordAsync(Entry(colleague, Noon, "ticket"));

        var page = await Audit.QueryAsync(new AuditQuery { User = user });

        Assert.Equal(4, page.Total);
        Assert.All(page.Items, r => Assert.Equal(user, r.User));
        Assert.Equal(resources.Order(), page.Items.Select(r => r.ResourceType).Order());
    }

    [Fact]
    public async Task A_query_by_project_finds_only_that_projects_entries()
    {
        var project = "project-" + NewKey();
        var other = "project-" + NewKey();
        var user = "agent-" + NewKey();
        await Audit.RecordAsync(Entry(user, Noon, projectId: project, detail: "a"));
        await Audit.RecordAsync(Entry(user, Noon, projectId: other, detail: "b"));
        await Audit.RecordAsync(Entry(user, Noon, projectId: null, detail: "c"));
        await Audit.RecordAsync(Entry(user, Noon.AddMinutes(1), projectId: project, detail: "d"));

        var page = await Audit.QueryAsync(new AuditQuery { ProjectId = project });

        Assert.Equal(2, page.Total);
        Assert.Equal(["d", "a"], page.Items.Select(r => r.Detail));
    }

    [Fact]
    public async Task A_time_range_includes_its_start_and_excludes_its_end()
    {
        // A day no other test writes to, queried with no other filter.
        var day = new DateTimeOffset(2031, 7, 14, 0, 0, 0, TimeSpan.Zero);
        var user = "agent-" + NewKey();
        foreach (var hour in new[] { -1, 0, 6, 23 })
        {
            await Audit.RecordAsync(Entry(user, day.AddHours(hour), detail: "hour " + hour));
        }

        await Audit.RecordAsync(Entry(user, day.AddDays(1), detail: "next day"));

        var page = await Audit.QueryAsync(new AuditQuery { From = day, To = day.AddDays(1) });
        var fromOnly = await Audit.QueryAsync(new AuditQuery { User = user, From = day.AddHours(6) });
        var toOnly = await Audit.QueryAsync(new AuditQuery { User = user, To = day.AddHours(6) });

        Assert.Equal(["hour 23", "hour 6", "hour 0"], page.Items.Select(r => r.Detail));
        Assert.Equal(3, page.Total);
        Assert.Equal(["next day", "hour 23", "hour 6"], fromOnly.Items.Select(r => r.Detail));
        Assert.Equal(["hour 0", "hour -1"], toOnly.Items.Select(r => r.Detail));
    }

    [Fact]
    public async Task A_range_bound_between_two_milliseconds_compares_exactly()
    {
        var user = "agent-" + NewKey();
        await Audit.RecordAsync(Entry(user, Noon));
        var halfAMillisecondLater = Noon.AddTicks(TimeSpan.TicksPerMillisecond / 2);

        var fromAfter = await Audit.QueryAsync(new AuditQuery { User = user, From = halfAMillisecondLater });
        var toAfter = await Audit.QueryAsync(new AuditQuery { User = user, To = halfAMillisecondLater });
        var atTheFarEnds = await Audit.QueryAsync(new AuditQuery { User = user, From = DateTimeOffset.MinValue, To = DateTimeOffset.MaxValue });
        var fromTheFarEnd = await Audit.QueryAsync(new AuditQuery { User = user, From = DateTimeOffset.MaxValue });

        Assert.Equal(0, fromAfter.Total);
        Assert.Equal(1, toAfter.Total);
        Assert.Equal(1, atTheFarEnds.Total);
        Assert.Equal(0, fromTheFarEnd.Total);
    }

    [Fact]
    public async Task Filters_combine_so_an_entry_must_match_all_of_them()
    {
        var ticket = NewKey();
        var user = "agent-" + NewKey();
        await Audit.RecordAsync(Entry(user, Noon, "ticket", ticket, "p1", "match"));
        await Audit.RecordAsync(Entry("agent-" + NewKey(), Noon, "ticket", ticket, "p1", "other user"));
        await Audit.RecordAsync(Entry(user, Noon, "ticket", ticket, "p2", "other project"));
        await Audit.RecordAsync(Entry(user, Noon.AddHours(2), "ticket", ticket, "p1", "too late"));

        var page = await Audit.QueryAsync(new AuditQuery
        {
            ResourceType = "ticket",
            ResourceId = ticket,
            User = user,
            ProjectId = "p1",
            From = Noon,
            To = Noon.AddHours(1),
        });

        Assert.Equal("match", Assert.Single(page.Items).Detail);
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Entries_come_newest_first_whatever_order_they_were_recorded_in()
    {
        var user = "agent-" + NewKey();
        foreach (var minute in new[] { 3, 1, 4, 0, 2 })
        {
            await Audit.RecordAsync(Entry(user, Noon.AddMinutes(minute), detail: "minute " + minute));
        }

        var page = await Audit.QueryAsync(new AuditQuery { User = user });

        Assert.Equal(["minute 4", "minute 3", "minute 2", "minute 1", "minute 0"], page.Items.Select(r => r.Detail));
    }

    [Fact]
    public async Task Entries_of_the_same_instant_come_last_recorded_first()
    {
        var user = "agent-" + NewKey();
        foreach (var name in new[] { "first", "second", "third" })
        {
            await Audit.RecordAsync(Entry(user, Noon, detail: name));
        }

        var page = await Audit.QueryAsync(new AuditQuery { User = user });

        Assert.Equal(["third", "second", "first"], page.Items.Select(r => r.Detail));
        Assert.True(page.Items[0].Id > page.Items[1].Id && page.Items[1].Id > page.Items[2].Id);
    }

    [Fact]
    public async Task Pages_follow_offset_and_limit_and_each_tells_the_total_before_paging()
    {
        var user = "agent-" + NewKey();
        for (var i = 0; i < 7; i++)
        {
            await Audit.RecordAsync(Entry(user, Noon.AddSeconds(i), detail: i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var first = await Audit.QueryAsync(new AuditQuery { User = user, Offset = 0, Limit = 3 });
        var second = await Audit.QueryAsync(new AuditQuery { User = user, Offset = 3, Limit = 3 });
        var last = await Audit.QueryAsync(new AuditQuery { User = user, Offset = 6, Limit = 3 });
        var beyond = await Audit.QueryAsync(new AuditQuery { User = user, Offset = 10, Limit = 3 });
        var countOnly = await Audit.QueryAsync(new AuditQuery { User = user, Limit = 0 });

        Assert.Equal(["6", "5", "4"], first.Items.Select(r => r.Detail));
        Assert.Equal(["3", "2", "1"], second.Items.Select(r => r.Detail));
        Assert.Equal(["0"], last.Items.Select(r => r.Detail));
        Assert.Empty(beyond.Items);
        Assert.Empty(countOnly.Items);
        Assert.All(new[] { first, second, last, beyond, countOnly }, page => Assert.Equal(7, page.Total));
    }

    [Fact]
    public async Task A_query_without_a_limit_returns_fifty_entries()
    {
        var user = "agent-" + NewKey();
        for (var i = 0; i < 60; i++)
        {
            await Audit.RecordAsync(Entry(user, Noon.AddSeconds(i)));
        }

        var page = await Audit.QueryAsync(new AuditQuery { User = user });

        Assert.Equal(50, page.Items.Count);
        Assert.Equal(60, page.Total);
        Assert.Equal(Noon.AddSeconds(59), page.Items[0].At);
        Assert.Equal(Noon.AddSeconds(10), page.Items[^1].At);
    }

    [Fact]
    public async Task Two_hundred_entries_recorded_at_once_are_all_stored()
    {
        var user = "agent-" + NewKey();
        var details = Enumerable.Range(0, 200).Select(i => "request " + i).ToList();

        await Task.WhenAll(details.Select((detail, i) => Task.Run(() => Audit.RecordAsync(Entry(user, Noon.AddMilliseconds(i % 7), detail: detail)))));

        var page = await Audit.QueryAsync(new AuditQuery { User = user, Limit = 500 });
        Assert.Equal(200, page.Total);
        Assert.Equal(details.Order(), page.Items.Select(r => r.Detail!).Order());
        Assert.Equal(200, page.Items.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task Chinese_text_comes_back_unchanged()
    {
        const string detail = "业主投诉：3号楼2单元楼道灯坏了三天，已转交维邦广场工程部处理。回访结果：满意 𠀀";
        var entry = new AuditEntry(Noon, "客服-王芳-" + NewKey(), "change:reply", "customer", "张先生-" + NewKey(), "维邦奥林花园", "192.0.2.1", "ok", detail);

        await Audit.RecordAsync(entry);

        var byUser = Assert.Single((await Audit.QueryAsync(new AuditQuery { User = entry.User })).Items);
        var byCustomer = Assert.Single((await Audit.QueryAsync(new AuditQuery { ResourceType = "customer", ResourceId = entry.ResourceId })).Items);
        Assert.Equal(detail, byUser.Detail);
        Assert.Equal(entry, byUser.ToEntry());
        Assert.Equal(byUser, byCustomer);
    }

    [Fact]
    public async Task A_negative_offset_or_limit_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Audit.QueryAsync(new AuditQuery { Offset = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Audit.QueryAsync(new AuditQuery { Limit = -1 }));
    }

    [Fact]
    public async Task An_entry_without_a_user_is_refused_and_nothing_is_stored()
    {
        var resource = NewKey();
        var entry = Entry("someone", resourceId: resource) with { User = null! };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Audit.RecordAsync(entry));

        Assert.Contains(nameof(AuditEntry.User), refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Audit.QueryAsync(new AuditQuery { ResourceId = resource })).Total);
    }
}

public sealed class SqliteAuditTrailTests : AuditTrailKit, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-sqlite-").FullName;

    protected override Dictionary<string, string?> Settings() => TestSilo.Sqlite(Path.Combine(directory, "hotline.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

public sealed class PostgresAuditTrailTests(PostgresFixture database) : AuditTrailKit, IClassFixture<PostgresFixture>
{
    protected override Dictionary<string, string?> Settings() => TestSilo.Postgres(database.ConnectionString);
}
