using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Silo.Operations;

/// <summary>
/// What a node shows its operator, the same on the gateway and the headless silo: <c>/healthz</c>
/// and <c>/readyz</c> (<see cref="HealthEndpoints"/>, the checks <see cref="HotlineHostingExtensions.AddHotline"/>
/// registers), <c>/metrics</c> for Prometheus on the management port, and OTLP export (<see cref="NodeTelemetry"/>).
/// </summary>
public static class OperationsExtensions
{
    public static WebApplicationBuilder AddHotlineOperations(this WebApplicationBuilder builder, HotlineNode node)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(node);
        builder.Services.AddOptions<ManagementOptions>()
            .Bind(builder.Configuration.GetSection(ManagementOptions.Section), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>() ?? new ManagementOptions();
        builder.AddHotlineTelemetry(node, scrape: management.Port > 0);
        Listen(builder, node, management.Port);

        // The kubelet and Prometheus ask every few seconds: a log line a request would bury the
        // node's own (the gateway's appsettings.json says so too; the headless silo ships none).
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        return builder;
    }

    public static WebApplication MapHotlineOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthEndpoints();
        var port = app.Services.GetRequiredService<IOptions<ManagementOptions>>().Value.Port;
        if (port > 0)
        {
            app.MapScrapeEndpoint(port);
        }

        return app;
    }

    /// <summary>
    /// The gateway listens on the API's addresses (<c>--urls</c>, or the container's HTTP ports) and
    /// the management port; a headless silo on the management port alone, whatever HTTP ports the
    /// image names (<c>ASPNETCORE_HTTP_PORTS</c>), and nowhere when that is 0.
    /// </summary>
    private static void Listen(WebApplicationBuilder builder, HotlineNode node, int managementPort)
    {
        if (managementPort > 0)
        {
            var api = node.ServesApi ? ApiAddresses(builder.Configuration).ToList() : [];
            builder.WebHost.UseSetting("urls", string.Join(';', api.Append($"http://*:{managementPort}")));
            // The HTTP ports are among those addresses or not to be served: left set, Kestrel warns at
            // every start that it overrides them.
            builder.WebHost.UseSetting("http_ports", string.Empty);
        }
        else if (!node.ServesApi)
        {
            builder.Services.AddSingleton<IServer, NoHttp>();
        }
    }

    private static IEnumerable<string> ApiAddresses(IConfiguration configuration) =>
        configuration["urls"] is { Length: > 0 } urls ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries)
            : configuration["http_ports"] is { Length: > 0 } ports ? ports.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p}")
            : ["http://localhost:5000"];
}

/// <summary>
/// The web server of a node with nothing to serve over HTTP (a headless silo with
/// <c>Management:Port=0</c>): Kestrel would otherwise listen on its default address.
/// </summary>
internal sealed partial class NoHttp(ILogger<NoHttp> logger) : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        NoManagementPort(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Management:Port is 0: this node serves no HTTP (no /healthz, /readyz or /metrics for probes or Prometheus)")]
    private static partial void NoManagementPort(ILogger logger);
}
