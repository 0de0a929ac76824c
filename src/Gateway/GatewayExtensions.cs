using HotlineGrains.Gateway.Agents;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Customers;
using HotlineGrains.Gateway.Demo;
using HotlineGrains.Gateway.Floor;
using HotlineGrains.Gateway.Operations;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Gateway.Reports;
using HotlineGrains.Gateway.Tickets;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Operations;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway;

public static class GatewayExtensions
{
    /// <summary>Request bodies larger than this are refused with 413; the largest legitimate one (a project's settings) is far smaller.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>Everything the gateway node runs: the co-hosted silo, the API and, in the embedded default, demo data.</summary>
    public static WebApplicationBuilder AddHotlineGateway(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            // "Server: Kestrel" tells a scanner which parser's flaws to try and a client nothing.
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<Problems.Handler>();
        builder.Services.ConfigureHttpJsonOptions(ApiJson.Configure);
        builder.Services.Configure<RouteOptions>(routes => routes.ConstraintMap[TicketStepEndpoints.UnknownStep.Name] = typeof(TicketStepEndpoints.UnknownStep));
        builder.Services.AddOpenApi(ApiDocument.Configure);
        // A misspelt key (Api:Explorr) or a value that is no boolean stops the node at start, naming the
        // setting, rather than leaving the explorer at its default without a word.
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section), binder => binder.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        builder.AddHotlineSecurity();
        builder.AddHotline(bus => bus.AddFloorConsumers());
        builder.AddHotlineFloor();
        builder.AddHotlineOperations(HotlineNode.Gateway);
        builder.Services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        if (builder.Configuration.GetValue<bool>(DemoOptions.EnabledSetting))
        {
            builder.Services.AddHostedService<DemoDataSeeder>();
            if (builder.Configuration.GetValue($"{DemoOptions.Section}:{nameof(DemoOptions.Floor)}", defaultValue: true))
            {
                // Only the demo month needs the backdating clock. It wraps the clock registered so far,
                // so a node given another clock later (a test's manual clock) must not have it: its
                // reminders would stay on the wall clock.
                if (builder.Configuration.GetValue($"{DemoOptions.Section}:{nameof(DemoOptions.Month)}", defaultValue: true))
                {
                    DemoClock.Install(builder.Services);
                }

                builder.Services.AddHostedService<DemoFloorSeeder>();
            }

            if (builder.Configuration.GetValue($"{DemoOptions.Section}:{nameof(DemoOptions.CallSimulator)}", defaultValue: true))
            {
                builder.Services.AddHostedService<CallSimulator>();
            }
        }

        return builder;
    }

    public static WebApplication MapHotlineGateway(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Pages and scripts hold no data: they are served to anyone; what they show comes through the hub with a token.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // The API explorer (the OpenAPI document and the Swagger UI page) describes the API but holds
        // no data, so it needs no token (its calls do); a production deployment shows it only when
        // Api:Explorer says so, as it tells a stranger every operation there is.
        var explorer = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.ExplorerIn(app.Environment);
        if (explorer)
        {
            app.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint("/openapi/v1.json", "HotlineGrains API");
                options.RoutePrefix = "swagger";
            });
        }

        app.UseHotlineSecurity();
        app.UseTicketLogScope();
        app.MapHotlineOperations();
        if (explorer)
        {
            app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        }

        app.MapGroup("/api").WithRolesFromTable().MapProjectEndpoints().MapTicketEndpoints().MapAgentEndpoints().MapCustomerEndpoints().MapAuditTrail().MapReportEndpoints();
        app.MapHotlineFloor();
        app.MapHotlineDashboard();
        if (app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            app.MapGroup("/demo").WithTags(ApiDocument.Demo).MapDemoUsers();
        }

        return app;
    }
}
