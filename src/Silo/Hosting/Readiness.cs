using HotlineGrains.Silo.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans;
using Orleans.Runtime;

namespace HotlineGrains.Silo;

/// <summary>Storage migrated and reachable: without it no turn can be stored, so the node takes no traffic.</summary>
internal sealed class DatabaseReadiness(IHotlineDatabase database, DatabaseMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!migrator.IsMigrated)
        {
            return HealthCheckResult.Unhealthy("The schema is not migrated yet.");
        }

        try
        {
            await database.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy(database.Name);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Name} cannot be reached.", exception);
        }
    }
}

/// <summary>
/// The outbox as an operator needs to see it in an outage: rows waiting and the age of the oldest,
/// in the readiness detail. It does not itself make the node unready (a backlog drains by itself
/// once the broker is back; the bus check says whether the broker is there).
/// </summary>
internal sealed class OutboxReadiness(IHotlineDatabase database, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var backlog = await database.ReadOutboxBacklogAsync(cancellationToken);
            var age = backlog.OldestAge(time.GetUtcNow());
            return HealthCheckResult.Healthy($"{backlog.Rows} rows wait, the oldest for {age.TotalSeconds:F0} s", new Dictionary<string, object>
            {
                ["backlog"] = backlog.Rows,
                ["oldestEventAgeSeconds"] = Math.Round(age.TotalSeconds, 1),
            });
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The outbox cannot be read.", exception);
        }
    }
}

/// <summary>This silo is an active member of its cluster: joining, shutting down or declared dead, it takes no traffic.</summary>
internal sealed class MembershipReadiness(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = snapshot.Members.Values.Count(member => member.Status == SiloStatus.Active);
        var data = new Dictionary<string, object> { ["status"] = status.ToString(), ["activeSilos"] = active };
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"active, one of {active} active silos", data)
            : HealthCheckResult.Unhealthy($"this silo is {status} in the cluster", data: data));
    }
}
