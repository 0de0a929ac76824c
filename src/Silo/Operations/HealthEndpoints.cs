using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HotlineGrains.Silo.Operations;

internal static class HealthEndpoints
{
    public const string Liveness = "/healthz";
    public const string Readiness = "/readyz";

    /// <summary>
    /// <c>/healthz</c>: the process is alive (no dependency is asked, so a database outage does not
    /// get every replica restarted). <c>/readyz</c>: storage is migrated and reachable, the bus is
    /// connected and (on a silo) the silo is an active cluster member, so the node may take traffic.
    /// A degraded check (the bus reconnecting) is 503 too: a load balancer reads the status, not the body.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(Liveness, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(Readiness, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HotlineHostingExtensions.ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteDetailAsync,
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Each check's status, description and figures (the outbox backlog, the silo's membership), for the operator who asks why.</summary>
    private static Task WriteDetailAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description ?? entry.Value.Exception?.Message,
                data = entry.Value.Data,
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
