using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Reminders.Diagnostics;
using Orleans.Runtime;

namespace HotlineGrains.Testing;

/// <summary>
/// Registers a manual clock as the node's clock, and holds the clock's moves until this silo's
/// reminder loops are all waiting for their next tick.
/// </summary>
/// <remarks>
/// After a tick, Orleans' reminder service re-arms the reminder on its own thread, once the grain's
/// turn (which stored the next due time) has answered. A test that sees the stored state and moves
/// the clock at once can beat that re-arm: the reminder is then armed after the clock passed its due
/// time, waits for a millisecond from a clock that no longer moves, and never fires. A real clock
/// moves on by itself; this one waits for the loops instead, as a real silo's would have had the time.
/// </remarks>
public static class ManualClockServices
{
    public static IServiceCollection AddManualClock(this IServiceCollection services, ManualClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        services.AddSingleton<TimeProvider>(clock);
        // A node that hosts no silo (a gateway on a client connection) has no reminder loops to wait for.
        services.AddSingleton(provider => new ReminderLoops(clock, provider.GetService<ILocalSiloDetails>()?.SiloAddress));
        services.AddHostedService(provider => provider.GetRequiredService<ReminderLoops>());
        return services;
    }
}

/// <summary>
/// What one silo's reminder loops are doing, from Orleans' reminder diagnostics: waiting for a tick,
/// delivering one, or about to re-arm after a tick or a schedule change.
/// </summary>
internal sealed class ReminderLoops : IHostedService, IObserver<ReminderEvents.ReminderEvent>, IDisposable
{
    private readonly object sync = new();
    private readonly ManualClock clock;
    private readonly SiloAddress? silo;
    private readonly Dictionary<object, Loop> loops = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(GrainId Grain, string Name), Loop> byReminder = [];
    private readonly IDisposable? subscription;
    private IDisposable? hold;

    public ReminderLoops(ManualClock clock, SiloAddress? silo)
    {
        this.clock = clock;
        this.silo = silo;
        subscription = silo is null ? null : ReminderEvents.AllEvents.Subscribe(this);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        hold = silo is null ? null : clock.HoldMoves(IsSettled, Describe);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        hold?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        hold?.Dispose();
        subscription?.Dispose();
    }

    /// <summary>Every loop waits for its tick at its current schedule, none is delivering one.</summary>
    private bool IsSettled()
    {
        lock (sync)
        {
            return loops.Values.All(loop => loop.IsWaiting);
        }
    }

    private string Describe()
    {
        lock (sync)
        {
            var busy = loops.Values.Where(loop => !loop.IsWaiting).Select(loop => $"{loop.Grain}/{loop.Name}");
            return $"reminders of silo {silo} not yet waiting for their next tick: {string.Join(", ", busy)}";
        }
    }

    public void OnNext(ReminderEvents.ReminderEvent value)
    {
        if (value.SiloAddress is null || !value.SiloAddress.Equals(silo))
        {
            return;
        }

        lock (sync)
        {
            switch (value)
            {
                case ReminderEvents.LocalReminderStarted started:
                    var loop = new Loop(started.GrainId, started.ReminderName);
                    loops[started.Identity] = loop;
                    byReminder[(started.GrainId, started.ReminderName)] = loop;
                    break;
                case ReminderEvents.LocalReminderStopped stopped:
                    if (loops.Remove(stopped.Identity, out var gone) && byReminder.TryGetValue((gone.Grain, gone.Name), out var current) && current == gone)
                    {
                        byReminder.Remove((gone.Grain, gone.Name));
                    }

                    break;
                case ReminderEvents.LocalReminderScheduleChanged changed when loops.TryGetValue(changed.Identity, out var rescheduled):
                    rescheduled.Scheduled = Math.Max(rescheduled.Scheduled, changed.ScheduleVersion);
                    break;
                case ReminderEvents.LocalReminderTickWaitArmed armed when loops.TryGetValue(armed.Identity, out var waiting):
                    waiting.Armed = Math.Max(waiting.Armed, armed.ScheduleVersion);
                    waiting.Delivering = false;
                    break;
                case ReminderEvents.TickFiring firing when byReminder.TryGetValue((firing.GrainId, firing.ReminderName), out var ticking):
                    ticking.Delivering = true;
                    break;
            }
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    private sealed class Loop(GrainId grain, string name)
    {
        public GrainId Grain { get; } = grain;

        public string Name { get; } = name;

        /// <summary>The schedule version the loop was last told of (0 when it started).</summary>
        public long Scheduled { get; set; }

        /// <summary>The schedule version the loop last armed its wait for; -1 until it first did.</summary>
        public long Armed { get; set; } = -1;

        /// <summary>Between a tick's firing and the wait armed after it.</summary>
        public bool Delivering { get; set; }

        public bool IsWaiting => !Delivering && Armed >= Scheduled;
    }
}
