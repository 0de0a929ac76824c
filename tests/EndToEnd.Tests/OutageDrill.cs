using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// What the outage drills share: a PostgreSQL and a RabbitMQ of the drill's own (the drill stops
/// one of them; the shared test servers stay up for everyone else), a working directory, and a
/// gateway co-hosting its silo, or a headless silo, on them with production settings.
/// </summary>
public abstract class OutageDrill : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-drill-").FullName;

    protected PrivatePostgres Database { get; private set; } = null!;

    protected PrivateRabbitMq Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await PrivatePostgres.StartAsync();
        try
        {
            Broker = await PrivateRabbitMq.StartAsync();
        }
        catch
        {
            // xUnit disposes nothing whose start failed: the database must not outlive the test.
            await Database.DisposeAsync();
            throw;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A gateway on the drill's servers, serving once <c>/readyz</c> answers 200; callers may record far more than an agent would.</summary>
    protected async Task<GatewayProcess> StartGatewayAsync()
    {
        var gateway = GatewayProcess.Start(directory, Settings());
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
        return gateway;
    }

    /// <summary>A headless silo on the drill's servers, once its <c>/readyz</c> (on its management port) answers 200.</summary>
    protected async Task<GatewayProcess> StartSiloAsync()
    {
        var silo = GatewayProcess.StartWorker(directory, Settings());
        await silo.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120), onManagementPort: true);
        return silo;
    }

    private Dictionary<string, string?> Settings() =>
        ProductionCluster.Settings(Database.ConnectionString, Broker.Uri, "outage-drill-signing-key-0123456789abcdef", intakePerMinute: 100_000);
}
