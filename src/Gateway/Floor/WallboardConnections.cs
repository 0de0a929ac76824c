using HotlineGrains.Silo.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HotlineGrains.Gateway.Floor;

/// <summary>Counts the screens connected to this node's hub (a filter, so the hub itself gains no method a caller could invoke).</summary>
internal sealed class WallboardConnections(HotlineMetrics metrics) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        metrics.WallboardConnected();
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        metrics.WallboardDisconnected();
        await next(context, exception);
    }
}
