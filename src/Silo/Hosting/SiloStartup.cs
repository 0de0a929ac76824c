using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Silo;

/// <summary>Brings the schema up to date before anything else on the node touches the database.</summary>
internal sealed partial class SiloStartup(IHotlineDatabase storage, ILogger<SiloStartup> logger) : IHostedService
{
    public bool IsMigrated { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken);
        IsMigrated = true;
        LogMigrated(logger, storage.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Provider} is ready")]
    private static partial void LogMigrated(ILogger logger, string provider);
}
