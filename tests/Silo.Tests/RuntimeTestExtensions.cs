using HotlineGrains.Silo.Reminders;
using HotlineGrains.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HotlineGrains.Silo.Tests;

internal static class RuntimeTestExtensions
{
    /// <summary>Fires what is due on the host's clock now, the way the reminder loop would; returns how many fired.</summary>
    public static Task<int> FireDueNowAsync(this GrainRuntime runtime, IHost host) =>
        host.Services.GetRequiredService<ReminderService>().FireDueAsync(default);
}
