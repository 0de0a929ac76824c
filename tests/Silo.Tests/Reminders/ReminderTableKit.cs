using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Tests.Reminders;

/// <summary>
/// What an Orleans reminder table must do, whichever database holds it. Each table comes from the
/// provider's own registration (the way a silo gets it) and is started as the reminder service
/// starts it. Every test keeps to a service id of its own, so tests can share a database.
/// </summary>
public abstract class ReminderTableKit : IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 3, 2, 9, 30, 15, 123, DateTimeKind.Utc);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    private readonly List<ServiceProvider> providers = [];

    /// <summary>Registers the provider's <see cref="IReminderTable"/> the way a silo would.</summary>
    protected abstract void AddReminderTable(IServiceCollection services);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_upserted_reminder_is_read_back_by_grain_and_by_name()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var other = NewGrain();

        var etag = await table.UpsertRow(Entry(grain, "sla"));
        await table.UpsertRow(Entry(grain, "callback", Start.AddHours(1), TimeSpan.FromHours(1)));
        await table.UpsertRow(Entry(other, "sla"));

        var row = await table.ReadRow(grain, "sla");
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("sla", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(Period, row.Period);
        Assert.Equal(etag, row.ETag);

        var rows = (await table.ReadRows(grain)).Reminders;
        Assert.Equal(new[] { "callback", "sla" }, rows.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(grain, r.GrainId));
        var callback = rows.Single(r => r.ReminderName == "callback");
        Assert.Equal(Start.AddHours(1), callback.StartAt);
        Assert.Equal(TimeSpan.FromHours(1), callback.Period);
    }

    [Fact]
    public async Task A_grain_without_reminders_reads_as_none()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        await table.UpsertRow(Entry(grain, "sla"));

        Assert.Null(await table.ReadRow(grain, "callback"));
        Assert.Null(await table.ReadRow(NewGrain(), "sla"));
        Assert.Empty((await table.ReadRows(NewGrain())).Reminders);
    }

    [Fact]
    public async Task Every_upsert_returns_a_new_etag_and_the_last_values()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();

        var first = await table.UpsertRow(Entry(grain, "sla"));
        var second = await table.UpsertRow(Entry(grain, "sla", Start.AddMinutes(1), TimeSpan.FromMinutes(2)));
        var third = await table.UpsertRow(Entry(grain, "sla", Start.AddMinutes(2), TimeSpan.FromMinutes(3)));

        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        var row = Assert.Single((await table.ReadRows(grain)).Reminders);
        Assert.Equal(third, row.ETag);
        Assert.Equal(Start.AddMinutes(2), row.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(3), row.Period);
    }

    [Fact]
    public async Task Concurrent_upserts_of_one_reminder_each_get_their_own_etag()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();

        var etags = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => table.UpsertRow(Entry(grain, "sla", Start.AddSeconds(i), Period)))));

        Assert.Equal(etags.Length, etags.Distinct().Count());
        var row = Assert.Single((await table.ReadRows(grain)).Reminders);
        Assert.Contains(row.ETag, etags);
    }

    [Fact]
    public async Task A_reminder_is_removed_with_its_current_etag_only()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var stale = await table.UpsertRow(Entry(grain, "sla"));
        var current = await table.UpsertRow(Entry(grain, "sla", Start.AddMinutes(1), Period));

        Assert.False(await table.RemoveRow(grain, "sla", stale!));
        Assert.Equal(current, (await table.ReadRow(grain, "sla"))?.ETag);

        Assert.True(await table.RemoveRow(grain, "sla", current!));
        Assert.Null(await table.ReadRow(grain, "sla"));
        Assert.False(await table.RemoveRow(grain, "sla", current!));
    }

    [Fact]
    public async Task Removing_a_reminder_that_is_not_there_answers_false()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var etag = await table.UpsertRow(Entry(grain, "sla"));

        Assert.False(await table.RemoveRow(grain, "callback", etag!));
        Assert.False(await table.RemoveRow(NewGrain(), "sla", etag!));
        Assert.False(await table.RemoveRow(NewGrain(), "sla", "0"));
        Assert.NotNull(await table.ReadRow(grain, "sla"));
    }

    [Fact]
    public async Task A_reminder_registered_again_after_removal_never_takes_back_its_old_etag()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var old = await table.UpsertRow(Entry(grain, "sla"));
        Assert.True(await table.RemoveRow(grain, "sla", old!));

        var renewed = await table.UpsertRow(Entry(grain, "sla"));

        Assert.NotEqual(old, renewed);
        Assert.False(await table.RemoveRow(grain, "sla", old!));
        Assert.Equal(renewed, (await table.ReadRow(grain, "sla"))?.ETag);
    }

    [Fact]
    public async Task Rows_are_read_by_hash_range_including_the_wrap_around()
    {
        var table = await StartTableAsync();
        var grains = Enumerable.Range(0, 120).Select(i => GrainId.Create("kit-ring", $"grain-{i}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "sla"));
        }

        // Ranges are cut at the grains' own hashes, so each bound is met exactly once: begin must
        // be left out and end kept. Half of the ring lies above 2^31, where the hash is negative
        // as a C# int, so ranges are taken within, across and around both halves.
        var hashes = grains.Select(g => g.GetUniformHashCode()).Distinct().Order().ToList();
        var low = hashes.Where(h => h < 1u << 31).ToList();
        var high = hashes.Where(h => h >= 1u << 31).ToList();
        Assert.True(low.Count >= 8 && high.Count >= 8, "the grains must spread over both halves of the ring");
        (uint Begin, uint End)[] ranges =
        [
            (low[2], low[^3]),      // within the lower half
            (high[2], high[^3]),    // within the upper half
            (low[^3], high[2]),     // across 2^31: no wrap, though signed the begin is the larger
            (high[^3], low[2]),     // wrapping past 2^32-1 to 0: signed the begin is the smaller
            (high[^1], low[0]),     // wrapping from the highest hash: only the lowest
            (low[4], low[4]),       // begin == end: the whole ring
            (0, 0),                 // the whole ring
            (uint.MaxValue, uint.MaxValue), // the whole ring
            (0, uint.MaxValue),     // all but hash 0
            (uint.MaxValue, 0),     // only hash 0
            (low[5] - 1, low[5]),   // one grain
            (low[5], low[6] - 1),   // none: begin excluded and end before the next
        ];

        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal);
            var rows = (await table.ReadRows(begin, end)).Reminders;
            Assert.True(
                expected.SequenceEqual(rows.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal)),
                $"range ({begin}, {end}]: expected {expected.Count()} rows, read {rows.Count}");
        }
    }

    [Fact]
    public async Task Start_time_and_period_round_trip_to_the_millisecond_in_utc()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var start = new DateTime(2026, 12, 31, 23, 59, 59, 987, DateTimeKind.Utc);
        var period = new TimeSpan(days: 1, hours: 2, minutes: 3, seconds: 4, milliseconds: 5);
        var longPeriod = TimeSpan.FromDays(40); // more milliseconds than an int holds

        await table.UpsertRow(Entry(grain, "short", start, period));
        await table.UpsertRow(Entry(grain, "long", start, longPeriod));

        var shortRow = await table.ReadRow(grain, "short");
        Assert.NotNull(shortRow);
        Assert.Equal(start, shortRow.StartAt);
        Assert.Equal(DateTimeKind.Utc, shortRow.StartAt.Kind);
        Assert.Equal(period, shortRow.Period);
        Assert.Equal(longPeriod, (await table.ReadRow(grain, "long"))?.Period);
    }

    [Fact]
    public async Task A_start_time_without_a_kind_is_taken_as_utc()
    {
        var table = await StartTableAsync();
        var grain = NewGrain();
        var unspecified = new DateTime(2026, 6, 1, 8, 0, 0, 250, DateTimeKind.Unspecified);

        await table.UpsertRow(Entry(grain, "sla", unspecified, Period));

        var row = await table.ReadRow(grain, "sla");
        Assert.Equal(DateTime.SpecifyKind(unspecified, DateTimeKind.Utc), row?.StartAt);
        Assert.Equal(DateTimeKind.Utc, row?.StartAt.Kind);
    }

    [Fact]
    public async Task Clearing_the_table_removes_every_reminder_of_the_service()
    {
        var table = await StartTableAsync();
        var grains = Enumerable.Range(0, 5).Select(_ => NewGrain()).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "sla"));
            await table.UpsertRow(Entry(grain, "callback"));
        }

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
        foreach (var grain in grains)
        {
            Assert.Empty((await table.ReadRows(grain)).Reminders);
        }
    }

    [Fact]
    public async Task Two_service_ids_keep_their_reminders_apart()
    {
        var first = await StartTableAsync();
        var second = await StartTableAsync();
        var grain = NewGrain();
        var firstEtag = await first.UpsertRow(Entry(grain, "sla", Start, Period));
        var secondEtag = await second.UpsertRow(Entry(grain, "sla", Start.AddDays(1), Period * 2));
        await second.UpsertRow(Entry(grain, "callback"));

        Assert.Equal(Start, (await first.ReadRow(grain, "sla"))?.StartAt);
        Assert.Equal(Start.AddDays(1), (await second.ReadRow(grain, "sla"))?.StartAt);
        Assert.Single((await first.ReadRows(grain)).Reminders);
        Assert.Single((await first.ReadRows(0, 0)).Reminders);
        Assert.Equal(2, (await second.ReadRows(0, 0)).Reminders.Count);

        Assert.False(await first.RemoveRow(grain, "callback", secondEtag!));
        Assert.True(await first.RemoveRow(grain, "sla", firstEtag!));
        Assert.Equal(secondEtag, (await second.ReadRow(grain, "sla"))?.ETag);

        await first.UpsertRow(Entry(grain, "sla"));
        await second.TestOnlyClearTable();
        Assert.NotNull(await first.ReadRow(grain, "sla"));
        Assert.Empty((await second.ReadRows(grain)).Reminders);
    }

    /// <summary>A started table of its own service id.</summary>
    protected async Task<IReminderTable> StartTableAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = "reminder-kit";
            options.ServiceId = "kit-" + Guid.NewGuid().ToString("N");
        });
        AddReminderTable(services);
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        var table = provider.GetRequiredService<IReminderTable>();
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    private static GrainId NewGrain() => GrainId.Create("kit-ticket", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name) => Entry(grain, name, Start, Period);

    private static ReminderEntry Entry(GrainId grain, string name, DateTime start, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = start,
        Period = period,
    };

    /// <summary>Orleans' ring: (begin, end], wrapping past 2^32-1 to 0 when begin &gt;= end.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
