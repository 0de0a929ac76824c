using Microsoft.AspNetCore.SignalR;
using HotlineGrains.Contracts;
using HotlineGrains.Gateway.Security;
using MassTransit;

namespace HotlineGrains.Gateway.Floor;

public static class FloorExtensions
{
    /// <summary>
    /// Every event a board shows is consumed by every node, each on a queue of its own that goes
    /// away with the node, so a change made through any node reaches the wallboards of all.
    /// </summary>
    public static void AddFloorConsumers(this IBusRegistrationConfigurator bus)
    {
        var queue = $"hotline-floor-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid():N}";
        foreach (var eventType in typeof(IHotlineEvent).Assembly.GetExportedTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IHotlineEvent).IsAssignableFrom(t)))
        {
            bus.AddConsumer(typeof(BoardChangedConsumer<>).MakeGenericType(eventType)).Endpoint(endpoint =>
            {
                endpoint.Name = queue;
                endpoint.Temporary = true;
            });
        }
    }

    internal static WebApplicationBuilder AddHotlineFloor(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(hubs => hubs.AddFilter<WallboardConnections>());
        builder.Services.AddSingleton<WallboardConnections>();
        builder.Services.AddOptions<FloorOptions>().Bind(builder.Configuration.GetSection(FloorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<WallboardReader>();
        builder.Services.AddSingleton<WallboardBoards>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WallboardBoards>());
        return builder;
    }

    internal static WebApplication MapHotlineFloor(this WebApplication app)
    {
        // A token is checked once, when the connection opens; without this a wallboard or console would
        // go on receiving a project's boards long after its token ran out (or its holder left).
        app.MapHub<WallboardHub>(WallboardHub.Path, hub => hub.CloseOnAuthenticationExpiration = true)
            .RequireAuthorization(RoleTable.PolicyOf("WallboardHub"));
        return app;
    }
}

/// <summary>Any event of a project: its board is read again.</summary>
internal sealed class BoardChangedConsumer<TEvent>(WallboardBoards boards) : IConsumer<TEvent> where TEvent : class, IHotlineEvent
{
    public Task Consume(ConsumeContext<TEvent> context)
    {
        boards.Changed(context.Message.ProjectId);
        return Task.CompletedTask;
    }
}
