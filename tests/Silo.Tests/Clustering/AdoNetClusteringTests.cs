using System.Net;
using HotlineGrains.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace HotlineGrains.Silo.Tests.Clustering;

/// <summary>Answers which silo it is activated on.</summary>
public interface IWhereaboutsGrain : IGrainWithStringKey
{
    Task<string> Silo();
}

public sealed class WhereaboutsGrain(ILocalSiloDetails silo) : Grain, IWhereaboutsGrain
{
    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToString());
}

/// <summary>
/// Orleans' ADO.NET clustering (Invariant "Npgsql") on the project's migration 0005, with real
/// silos and a real client in this process: the provider brings no SQL of its own, so this proves
/// the membership queries.
/// </summary>
public sealed class AdoNetClusteringTests(MigratedPostgresFixture database) : IClassFixture<MigratedPostgresFixture>, IAsyncLifetime
{
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;

    private readonly string clusterId = "hotline-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IHost> hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Client first, then silos, newest first; a host already stopped by its test stops again at no cost.
        for (var i = hosts.Count - 1; i >= 0; i--)
        {
            await hosts[i].StopAsync();
            hosts[i].Dispose();
        }
    }

    [Fact]
    public async Task Two_silos_join_a_client_reaches_them_and_the_survivor_serves_when_one_stops()
    {
        var first = await StartSiloAsync("first");
        var second = await StartSiloAsync("second");
        await Eventually.Until(async () => await CountAsync(Active) == 2, "both silos Active in the membership table");

        var client = await StartClientAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var silos = new Dictionary<string, IHost>
        {
            [Address(first)] = first,
            [Address(second)] = second,
        };
        var whereabouts = grains.GetGrain<IWhereaboutsGrain>("ticket-42");
        var home = await whereabouts.Silo();
        Assert.Contains(home, silos.Keys);

        // Stop the silo the grain lives on, so the survivor has to activate it anew.
        await silos[home].StopAsync();
        var survivor = silos.Single(s => s.Key != home).Key;
        Assert.Equal(1, await CountAsync(Dead));

        string? answer = null;
        await Eventually.Until(async () =>
        {
            try
            {
                answer = await whereabouts.Silo().WaitAsync(TimeSpan.FromSeconds(5));
                return true;
            }
            catch (Exception exception) when (exception is OrleansException or TimeoutException)
            {
                return false; // the client still tried the stopped silo's gateway
            }
        }, "the grain answering again after its silo stopped");
        Assert.Equal(survivor, answer);
        Assert.Equal(1, await CountAsync(Active));
    }

    [Fact]
    public async Task A_stopped_silos_row_is_cleaned_up_as_defunct_and_the_live_one_stays()
    {
        var first = await StartSiloAsync("first");
        var second = await StartSiloAsync("second");
        await Eventually.Until(async () => await CountAsync(Active) == 2, "both silos Active in the membership table");
        await second.StopAsync();
        Assert.Equal(1, await CountAsync(Dead));

        var table = first.Services.GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.Equal(0, await CountAsync(Dead));
        Assert.Equal(1, await CountAsync(Active));
        var entry = Assert.Single((await table.ReadAllAsync(CancellationToken.None)).Members).Item1;
        Assert.Equal(Address(first), entry.SiloAddress.ToString());
    }

    [Fact]
    public async Task Of_two_silos_writing_on_one_table_version_exactly_one_succeeds()
    {
        // A silo host that is built but not started gives the provider's table without a running silo.
        using var host = BuildSilo("racer");
        var table = host.Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        var version = (await table.ReadAllAsync(CancellationToken.None)).Version;

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(generation =>
            Task.Run(() => table.InsertRowAsync(Entry(generation), version.Next(), CancellationToken.None))));

        Assert.Equal(1, results.Count(inserted => inserted));
        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Single(after.Members);
        Assert.Equal(version.Version + 1, after.Version.Version);

        // The same holds for updates, and a stale version changes nothing.
        var (row, etag) = after.Members[0];
        row.Status = SiloStatus.Active;
        var updates = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => table.UpdateRowAsync(row, etag, after.Version.Next(), CancellationToken.None))));
        Assert.Equal(1, updates.Count(updated => updated));
        Assert.False(await table.UpdateRowAsync(row, etag, after.Version.Next(), CancellationToken.None));
        Assert.False(await table.InsertRowAsync(Entry(99), version.Next(), CancellationToken.None));
        var final = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(after.Version.Version + 1, final.Version.Version);
        Assert.Equal(SiloStatus.Active, final.Members[0].Item1.Status);
    }

    private static MembershipEntry Entry(int generation)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), generation),
            SiloName = $"racer-{generation}",
            HostName = "test-host",
            Status = SiloStatus.Joining,
            ProxyPort = 30000,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    private async Task<IHost> StartSiloAsync(string name)
    {
        var host = BuildSilo(name);
        hosts.Add(host);
        await StartWithDeadlineAsync(host);
        return host;
    }

    private IHost BuildSilo(string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(Cluster)
            .Configure<SiloOptions>(options => options.SiloName = name)
            .ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next())
            .UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = database.ConnectionString;
            }));
        return builder.Build();
    }

    private async Task<IHost> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(Cluster)
            .UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = database.ConnectionString;
            }));
        var host = builder.Build();
        hosts.Add(host);
        await StartWithDeadlineAsync(host);
        return host;
    }

    /// <summary>A silo or client that cannot join keeps retrying for minutes; the test fails sooner.</summary>
    private static async Task StartWithDeadlineAsync(IHost host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(deadline.Token);
    }

    private void Cluster(ClusterOptions options)
    {
        options.ClusterId = clusterId;
        options.ServiceId = "hotline-tests";
    }

    private static string Address(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    private async Task<int> CountAsync(int status)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from orleans_membership where cluster_id = @cluster and status = @status", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("status", status);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
