using HotlineGrains.Grains.Turns;
using HotlineGrains.Silo.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HotlineGrains.Silo.Operations;

/// <summary>
/// OpenTelemetry for the node: ASP.NET Core, .NET runtime, Npgsql and Orleans' own meters and the
/// hotline's (<see cref="HotlineMetrics.MeterName"/>), scraped on the management port; with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and traces also go there over OTLP.
/// </summary>
internal static class NodeTelemetry
{
    public const string ScrapePath = "/metrics";

    /// <summary>Orleans' runtime meter (messaging, grains, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <param name="scrape">Whether Prometheus may scrape the node (it has a management port).</param>
    public static WebApplicationBuilder AddHotlineTelemetry(this WebApplicationBuilder builder, HotlineNode node, bool scrape)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(node.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation()
                    .AddMeter(OrleansMeter, HotlineMetrics.MeterName);
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            // Probes and scrapes come every few seconds and are no request anyone follows: no trace of them.
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !IsOperations(http.Request.Path))
                .AddNpgsql().AddSource(GrainCallTraceIds.GrainCallSource, GrainTraces.SourceName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The scrape endpoint, answering on the management port only.</summary>
    public static WebApplication MapScrapeEndpoint(this WebApplication app, int managementPort)
    {
        app.MapPrometheusScrapingEndpoint(ScrapePath).RequireHost($"*:{managementPort}").AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static bool IsOperations(PathString path) =>
        path == HealthEndpoints.Liveness || path == HealthEndpoints.Readiness || path == ScrapePath;
}
