using Orleans;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Testing;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests.MultiNode;

/// <summary>
/// Two silos of one cluster on PostgreSQL: one in this process, one in a process of its own,
/// calling the same grains at once. Orleans keeps one activation per grain across the cluster.
/// </summary>
public sealed class TwoNodeConcurrencyTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private IHost? local;

    private IGrainFactory Grains => local!.Grains();

    public async Task InitializeAsync() => local = await TestSilo.StartAsync(TestSilo.Postgres(database.ConnectionString), "local");

    public async Task DisposeAsync()
    {
        await local!.StopAsync();
        local.Dispose();
    }

    [Fact]
    public async Task Two_silos_each_incrementing_one_counter_500_times_end_at_exactly_1000()
    {
        const string key = "shared";
        await using var remote = SiloProcess.Start(RemoteSettings(new()
        {
            ["Probe:Command"] = "increment",
            ["Probe:Key"] = key,
            ["Probe:Count"] = "500",
        }));

        var localIncrements = Parallel.ForAsync(0, 500, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (_, token) => await Grains.GetGrain<ICounterGrain>(key).Increment());
        await remote.WaitForLineAsync("DONE", TimeSpan.FromMinutes(3));
        await localIncrements;

        Assert.Equal(1000, await Grains.GetGrain<ICounterGrain>(key).Get().Then(s => s.Value));
        Assert.Equal(1000, await Grains.GetGrain<ICounterGrain>(key).Get().Then(s => s.Version));
    }

    [Fact]
    public async Task Two_silos_issuing_500_ticket_numbers_each_hand_out_1000_distinct_numbers_with_no_gap()
    {
        const string project = "two-node-numbers";
        await Grains.GetGrain<IProjectGrain>(project).Configure(new() { Name = "维邦广场", Greeting = "您好", TicketPrefix = "GC" });
        await using var remote = SiloProcess.Start(RemoteSettings(new()
        {
            ["Probe:Command"] = "ticket-numbers",
            ["Probe:Key"] = project,
            ["Probe:Count"] = "500",
        }));

        var localNumbers = new System.Collections.Concurrent.ConcurrentBag<string>();
        var issuing = Parallel.ForAsync(0, 500, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, token) => localNumbers.Add(await Grains.GetGrain<IProjectGrain>(project).IssueTicketNumber($"local-{i}", "test")));
        await remote.WaitForLineAsync("DONE", TimeSpan.FromMinutes(3));
        await issuing;

        var remoteNumbers = remote.Lines.Where(l => l.StartsWith("GC-", StringComparison.Ordinal)).ToList();
        Assert.Equal(500, remoteNumbers.Count);
        var all = localNumbers.Concat(remoteNumbers).ToList();
        Assert.Equal(1000, all.Distinct().Count());
        // One service day here, so the sequences are exactly 1..1000.
        Assert.Single(all.Select(n => n[..11]).Distinct());
        Assert.Equal(Enumerable.Range(1, 1000), all.Select(n => int.Parse(n[12..], System.Globalization.CultureInfo.InvariantCulture)).Order());
    }

    private Dictionary<string, string?> RemoteSettings(Dictionary<string, string?> probe)
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Probe:Node"] = "remote";
        foreach (var (key, value) in probe)
        {
            settings[key] = value;
        }

        return settings;
    }
}
