using HotlineGrains.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>The gateway in-process on a real database: a SQLite file of its own, or a PostgreSQL database of its own.</summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-gateway-").FullName;
    private PostgresDatabase? postgres;

    public string Provider { get; set; } = "Sqlite";

    public async Task InitializeAsync()
    {
        if (Provider == "Postgres")
        {
            postgres = await PostgresDatabase.CreateAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Provider", Provider);
        builder.UseSetting("Storage:ConnectionString", postgres?.ConnectionString ?? $"Data Source={Path.Combine(directory, "hotline.db")}");
        builder.UseSetting("Demo:Enabled", "true");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }
}

public sealed class PostgresGatewayFactory : IAsyncLifetime
{
    public GatewayFactory Factory { get; } = new() { Provider = "Postgres" };

    public Task InitializeAsync() => ((IAsyncLifetime)Factory).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Factory).DisposeAsync();
}
