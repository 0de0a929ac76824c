using HotlineGrains.Gateway;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Deploy.Tests;

/// <summary>
/// Builds a program the way its <c>Program.Main</c> does, on a container's configuration only (not
/// this test process's environment), and runs the options validation the host runs at start
/// (<see cref="IStartupValidator"/>: every <c>ValidateOnStart</c> options type) without starting
/// anything: no database, broker or port is touched.
/// </summary>
internal static class AppStart
{
    /// <summary>The validation errors, none when the program would start; and the host's shutdown timeout.</summary>
    public static async Task<(IReadOnlyList<string> Errors, TimeSpan ShutdownTimeout)> ValidateAsync(ContainerSettings container)
    {
        var configuration = container.Configuration();
        var environment = configuration.GetValueOrDefault("ENVIRONMENT") ?? Environments.Production;
        try
        {
            return await ValidateAsync(container.Role, configuration, environment);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
        {
            // Thrown while the program wires itself up (a value the binder cannot convert, a provider
            // Orleans cannot find): the process would stop at start just the same.
            return ([exception.Message], TimeSpan.Zero);
        }
    }

    private static async Task<(IReadOnlyList<string>, TimeSpan)> ValidateAsync(AppRole role, Dictionary<string, string?> configuration, string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        if (role == AppRole.Silo)
        {
            // src/Silo/Program.cs: WebApplication.CreateBuilder(args), AddHotline() and the headless
            // silo's management port; the image ships no appsettings.json for it.
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.AddHotline();
            builder.AddHotlineOperations(HotlineNode.HeadlessSilo);
        }
        else
        {
            // src/Gateway/Program.cs: WebApplication.CreateBuilder(args).AddHotlineGateway(); the image ships
            // the gateway's appsettings.json (and appsettings.Development.json) beside it.
            var gateway = Path.Combine(Kustomize.RepositoryRoot, "src", "Gateway");
            builder.Configuration.AddJsonFile(Path.Combine(gateway, "appsettings.json"), optional: false);
            builder.Configuration.AddJsonFile(Path.Combine(gateway, $"appsettings.{environment}.json"), optional: true);
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.AddHotlineGateway();
        }

        await using var app = builder.Build();
        return (Validate(app.Services), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    private static List<string> Validate(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
        catch (AggregateException exception)
        {
            return [.. exception.Flatten().InnerExceptions.SelectMany(e => e is OptionsValidationException o ? o.Failures : [e.Message])];
        }
        catch (InvalidOperationException exception)
        {
            // A value the binder cannot convert ("abc" for a number) or an unknown key where binding is strict.
            return [exception.Message];
        }
    }
}
