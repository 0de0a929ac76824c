using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Reminders;
using Orleans.Runtime;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// The node's clock in the embedded default, with one narrow way back in time: a grain call made
/// inside <see cref="At"/> sees that instant as now, in its own turn and in the grains it calls (the
/// instant travels in Orleans' request context). The demo month goes through the same grains as
/// today's tickets this way, so its tickets, clocks, breaches and day counters are the product's own.
/// Installed only when the demo is on; outside <see cref="At"/> it is the clock it wraps.
/// </summary>
internal sealed class DemoClock(TimeProvider inner) : TimeProvider
{
    private const string Key = "hotline-demo-now";

    public TimeProvider Inner => inner;

    public override DateTimeOffset GetUtcNow() =>
        RequestContext.Get(Key) is DateTimeOffset backdated ? backdated : inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Runs <paramref name="call"/> as of <paramref name="instant"/>, then goes back to the present.</summary>
    public static async Task<T> At<T>(DateTimeOffset instant, Func<Task<T>> call)
    {
        RequestContext.Set(Key, instant);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(Key);
        }
    }

    /// <summary>
    /// Wraps the node's clock. Reminders stay on the clock wrapped: a reminder set in a backdated
    /// turn is a delay from that turn's now, and the reminder service must count it from the real
    /// present, or every backdated deadline would fire at once.
    /// </summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Where(d => d.ServiceType == typeof(TimeProvider) && !d.IsKeyedService).ToList();
        var inner = registered.LastOrDefault()?.ImplementationInstance as TimeProvider ?? TimeProvider.System;
        registered.ForEach(d => services.Remove(d));
        var clock = new DemoClock(inner);
        services.AddSingleton<TimeProvider>(clock);
        services.RemoveAllKeyed<TimeProvider>(ReminderTimeProviderNames.Reminders);
        services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, inner);
    }
}
