using System.ComponentModel.DataAnnotations;
using HotlineGrains.Silo.Telemetry;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HotlineGrains.Gateway.Operations;

/// <summary>
/// The management port: where a Prometheus scraper reads <c>/metrics</c>, apart from the API port
/// so that the figures are reachable inside the cluster only (the network policy admits the API
/// port alone from outside). 0: no management port, no scrape endpoint.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    [Range(0, 65535, ErrorMessage = "Management:Port must be between 0 and 65535.")]
    public int Port { get; set; } = 9464;
}

/// <summary>
/// OpenTelemetry for the node: ASP.NET Core, .NET runtime, Npgsql and Orleans' own meters and the
/// hotline's (<see cref="HotlineMetrics.MeterName"/>), scraped on the management port; with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and traces also go there over OTLP.
/// </summary>
internal static class Telemetry
{
    public const string ScrapePath = "/metrics";

    /// <summary>Orleans' runtime meter (messaging, grains, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplicationBuilder AddHotlineTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>()
            .Bind(builder.Configuration.GetSection(ManagementOptions.Section), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>() ?? new ManagementOptions();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("hotline-gateway"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation()
                    .AddMeter(OrleansMeter, HotlineMetrics.MeterName);
                if (management.Port > 0)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddNpgsql().AddSource(GrainCallTraceIds.GrainCallSource, HotlineGrains.Grains.Turns.GrainTraces.SourceName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        if (management.Port > 0)
        {
            // Listen on the management port beside the API's addresses (--urls, or the container's HTTP ports).
            builder.WebHost.UseSetting("urls", string.Join(';', ApiAddresses(builder.Configuration).Append($"http://*:{management.Port}")));
        }

        return builder;
    }

    /// <summary>The scrape endpoint, answering on the management port only.</summary>
    public static WebApplication MapHotlineTelemetry(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ManagementOptions>>().Value.Port;
        if (port > 0)
        {
            app.MapPrometheusScrapingEndpoint(ScrapePath).RequireHost($"*:{port}").AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    private static IEnumerable<string> ApiAddresses(IConfiguration configuration) =>
        configuration["urls"] is { Length: > 0 } urls ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries)
            : configuration["http_ports"] is { Length: > 0 } ports ? ports.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p}")
            : ["http://localhost:5000"];
}
