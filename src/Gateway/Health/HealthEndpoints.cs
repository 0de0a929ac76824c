using HotlineGrains.Silo;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace HotlineGrains.Gateway.Health;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: the process is alive (no dependency is asked, so a database outage does not
    /// get every replica restarted). <c>/readyz</c>: storage is migrated and reachable and the bus
    /// is connected, so the node may take traffic.
    /// </summary>
    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HotlineHostingExtensions.ReadyTag) }).AllowAnonymous();
    }
}
