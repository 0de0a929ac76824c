using HotlineGrains.Gateway.Demo;
using HotlineGrains.Gateway.Health;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Silo;

namespace HotlineGrains.Gateway;

public static class GatewayExtensions
{
    /// <summary>Everything the gateway node runs: the co-hosted silo, the API and, in the embedded default, demo data.</summary>
    public static WebApplicationBuilder AddHotlineGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddHotlineSilo(builder.Configuration);
        builder.Services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section));
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
        {
            builder.Services.AddHostedService<DemoDataSeeder>();
        }

        return builder;
    }

    public static WebApplication MapHotlineGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        app.MapGroup("/api").MapProjectEndpoints();
        return app;
    }
}
