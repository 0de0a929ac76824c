using HotlineGrains.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HotlineGrains.Silo.Tests.Clustering;

/// <summary>
/// The hotline's own choice of clustering, <c>Orleans:ClusteringMode</c>, set explicitly as an
/// operator would on a cluster, through the same start-up as the programs (<see cref="HotlineHostingExtensions.AddHotline"/>).
/// </summary>
public sealed class ClusteringModeTests(MigratedPostgresFixture database) : IClassFixture<MigratedPostgresFixture>, IAsyncLifetime
{
    private readonly string clusterId = "hotline-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IHost> hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = hosts.Count - 1; i >= 0; i--)
        {
            await hosts[i].StopAsync();
            hosts[i].Dispose();
        }
    }

    [Fact]
    public async Task A_silo_and_a_client_gateway_set_to_AdoNet_form_one_cluster_in_PostgreSQL()
    {
        hosts.Add(await TestSilo.StartAsync(Settings()));
        var client = Settings();
        client["Orleans:Role"] = "Client";
        hosts.Add(await TestSilo.StartAsync(client, node: "gateway"));

        var throughTheGateway = await hosts[1].Grains().GetGrain<IWhereaboutsGrain>("anyone").Silo();

        Assert.Equal(1, await ActiveSilosAsync());
        Assert.Equal(await hosts[0].Grains().GetGrain<IWhereaboutsGrain>("anyone").Silo(), throughTheGateway);
    }

    [Fact]
    public async Task Orleans_own_clustering_key_stops_the_start_and_names_the_hotline_setting()
    {
        var settings = Settings();
        settings.Remove("Orleans:ClusteringMode");
        settings["Orleans:Clustering"] = "AdoNet";

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSilo.StartAsync(settings));

        Assert.Contains("Orleans:ClusteringMode=Localhost or AdoNet", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ActiveSilosAsync());
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = TestSilo.Postgres(database.ConnectionString);
        settings["Orleans:ClusteringMode"] = "AdoNet";
        settings["Orleans:ClusterId"] = clusterId;
        return settings;
    }

    private async Task<int> ActiveSilosAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from orleans_membership where cluster_id = @cluster and status = 3", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
