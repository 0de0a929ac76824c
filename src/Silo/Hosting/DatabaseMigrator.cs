using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Silo;

/// <summary>
/// Brings the schema up to date (the Orleans providers' tables and queries, the outbox, the read
/// models, the audit trail) before the silo or client starts: the ADO.NET providers read their
/// queries from the database when they start. Registered ahead of Orleans, so it runs first.
/// </summary>
internal sealed partial class DatabaseMigrator(IHotlineDatabase database, LegacyRuntimeImport legacy, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public bool IsMigrated { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken);
        await legacy.ImportAsync(cancellationToken);
        IsMigrated = true;
        LogMigrated(logger, database.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Provider} is migrated")]
    private static partial void LogMigrated(ILogger logger, string provider);
}
