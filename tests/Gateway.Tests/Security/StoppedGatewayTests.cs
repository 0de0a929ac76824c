using System.Runtime.CompilerServices;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// A gateway that stopped leaves nothing running that holds it: a process that starts many (the
/// tests do, one per class) would otherwise keep every one of them, about 100 MB each.
/// </summary>
public sealed class StoppedGatewayTests
{
    [Fact]
    public async Task A_stopped_gateway_that_served_rate_limited_requests_is_collected()
    {
        // The process's own timers and threads (SQLite's pool pruning, event counters) start once,
        // with the first gateway of the process, and keep that one: the second tells.
        await ServeAndStopAsync();
        var services = await ServeAndStopAsync();

        await Eventually.Until(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return !services.IsAlive;
        }, "the stopped gateway's services to be collected", TimeSpan.FromSeconds(20));
    }

    /// <summary>Starts a gateway, reads through a rate-limited endpoint and joins its hub, stops it; what is left is a weak reference to its services.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> ServeAndStopAsync()
    {
        WeakReference? services = null;
        await GatewayFactory.Run(_ => { }, async gateway =>
        {
            using var client = gateway.CreateClient();
            using var read = await client.GetAsync("/api/projects/weibang-plaza/open-tickets");
            read.EnsureSuccessStatusCode();
            await using (var hub = await gateway.ConnectToHubAsync(gateway.TokenFor("tester")))
            {
                await hub.InvokeAsync("JoinLive", "weibang-plaza", 10);
            }

            services = new WeakReference(gateway.Services);
        });
        return services!;
    }
}
