using HotlineGrains.Testing;

namespace HotlineGrains.Grains.Tests;

/// <summary>
/// The test clock every silo test drives reminders with: time moves only when a test says so, yet
/// nothing waits for a millisecond that will never come.
/// </summary>
public sealed class ManualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Long enough for a thread-pool item on a starved machine; a timer that is not going to fire never does.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_timer_due_later_fires_only_when_the_clock_passes_its_due_time()
    {
        var clock = new ManualClock(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(fired);

        clock.Advance(TimeSpan.FromSeconds(2));
        var seen = Assert.Single(fired);
        Assert.Equal(Start.AddSeconds(5).AddMilliseconds(1).AddTicks(-1), seen);
        Assert.Equal(Start.AddSeconds(6), clock.GetUtcNow());
    }

    [Fact]
    public async Task A_timer_armed_for_no_time_fires_at_once_without_moving_the_clock()
    {
        var clock = new ManualClock(Start);
        var fired = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = clock.CreateTimer(_ => fired.TrySetResult(clock.GetUtcNow()), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        var seen = await fired.Task.WaitAsync(Deadline);

        Assert.Equal(Start.AddMilliseconds(2).AddTicks(-1), seen);
        Assert.Equal(Start, clock.GetUtcNow());
    }

    [Fact]
    public async Task A_wait_for_an_instant_the_test_already_moved_past_ends()
    {
        // The reminder service re-arms a reminder on its own thread; when the test moved the clock past
        // the tick first, it waits a millisecond from "now" and then looks at the clock again.
        var clock = new ManualClock(Start);
        clock.Advance(TimeSpan.FromHours(1));
        var waitUntil = clock.GetUtcNow().AddMilliseconds(1);

        await WaitUntil(clock, waitUntil).WaitAsync(Deadline);

        Assert.Equal(Start.AddHours(1), clock.GetUtcNow());
    }

    [Fact]
    public void Timers_fire_in_due_order_as_the_clock_passes_them()
    {
        var clock = new ManualClock(Start);
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromMinutes(3), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        using var every = clock.CreateTimer(_ => fired.Add("every 2 min"), null, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2));

        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["early", "every 2 min", "late", "every 2 min"], fired);
    }

    /// <summary>Waits the way Orleans does: the whole time left, then looks at the clock again.</summary>
    private static async Task WaitUntil(TimeProvider clock, DateTimeOffset until)
    {
        for (var left = until - clock.GetUtcNow(); left > TimeSpan.Zero; left = until - clock.GetUtcNow())
        {
            await Task.Delay(left, clock);
        }
    }
}
