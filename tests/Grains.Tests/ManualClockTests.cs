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

    [Fact]
    public void A_timer_armed_for_what_was_left_at_a_reading_is_due_then_though_another_thread_moved_the_clock_in_between()
    {
        // The reminder service reads the clock, then arms a wait for what is left; the test's Advance on
        // another thread may move the clock between the two. Measured from where the clock got to, the
        // wait would end five minutes late and the test's next stop would never see it.
        var clock = new ManualClock(Start);
        var fired = new List<DateTimeOffset>();
        var left = Start.AddMinutes(10) - clock.GetUtcNow();
        OnAnotherThread(() => clock.Advance(TimeSpan.FromMinutes(5)));
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, left, Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(Start.AddMinutes(10).AddMilliseconds(1).AddTicks(-1), Assert.Single(fired));
    }

    [Fact]
    public async Task A_timer_whose_instant_passed_between_its_reading_and_its_arming_fires_at_once()
    {
        var clock = new ManualClock(Start);
        var fired = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = Start.AddMinutes(10) - clock.GetUtcNow();
        OnAnotherThread(() => clock.Advance(TimeSpan.FromHours(1)));
        using var timer = clock.CreateTimer(_ => fired.TrySetResult(clock.GetUtcNow()), null, left, Timeout.InfiniteTimeSpan);

        var seen = await fired.Task.WaitAsync(Deadline);

        Assert.Equal(Start.AddHours(1).AddMilliseconds(1).AddTicks(-1), seen);
        Assert.Equal(Start.AddHours(1), clock.GetUtcNow());
    }

    [Fact]
    public void A_timer_armed_by_the_thread_that_moved_the_clock_is_measured_from_where_the_clock_got_to()
    {
        var clock = new ManualClock(Start);
        var fired = new List<DateTimeOffset>();
        _ = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(5));
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromMinutes(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(fired);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Start.AddMinutes(15).AddMilliseconds(1).AddTicks(-1), Assert.Single(fired));
    }

    [Fact]
    public void A_move_waits_until_what_holds_the_clock_has_settled()
    {
        var clock = new ManualClock(Start);
        var asked = 0;
        using var hold = clock.HoldMoves(() => Interlocked.Increment(ref asked) >= 3, () => "a loop re-arming");
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(3, asked);
        Assert.Single(fired);
        Assert.Equal(Start.AddMinutes(2), clock.GetUtcNow());
    }

    /// <summary>Runs <paramref name="action"/> on a thread of its own and waits for it, this thread keeping what it read.</summary>
    private static void OnAnotherThread(Action action)
    {
        var thread = new Thread(() => action());
        thread.Start();
        thread.Join();
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
