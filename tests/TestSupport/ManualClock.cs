using System.Diagnostics;

namespace HotlineGrains.Testing;

/// <summary>
/// A clock that moves only when a test says so. Timers and <c>Task.Delay</c> on it fire when
/// <see cref="Advance"/> passes their due time, so tests drive time instead of sleeping.
/// </summary>
/// <remarks>
/// Code that waits for an instant in a loop (Orleans' reminder service does: wait for what is
/// left, look at the clock, wait again) asks <c>Task.Delay</c> for the whole milliseconds left; a
/// real clock moves on while it waits, this one does not. So a timer fires as a real one does,
/// a moment after it is due: code running in its callback sees the clock at the end of the due
/// millisecond. Elsewhere the clock reads exactly what the test set.
/// <para>
/// A timer armed for what is already due (no time, or the last millisecond a waiter asks for)
/// fires at once, on the thread pool, without moving the clock for anyone else. A real clock
/// moves on by itself; this one does not, so without that a reminder whose wait is armed just
/// after the test moved past its tick (the reminder service re-arms on its own thread) would
/// wait for a millisecond that never comes.
/// </para>
/// <para>
/// Code that waits for an instant reads the clock, then arms a timer for what is left. A real clock
/// moves microseconds between the two; this one may move days, when <see cref="Advance"/> runs on
/// another thread meanwhile (the reminder service re-arms after a firing while the test, seeing the
/// firing's state stored, already moves on). Measured from where the clock got to, that timer would
/// be due days late and the instant it waits for would be skipped. So a timer is due its time after
/// the clock reading its own thread took just before (the reading is spent by the first timer armed
/// after it, and counts only if taken a moment ago in real time).
/// </para>
/// </remarks>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>A timer armed for no more than this fires as soon as it is armed.</summary>
    private static readonly TimeSpan AlreadyDue = TimeSpan.FromMilliseconds(1);

    /// <summary>How long ago in real time a thread's clock reading may be and still be what its next timer is measured from.</summary>
    private static readonly TimeSpan FreshReading = TimeSpan.FromMilliseconds(100);

    /// <summary>While a timer's callback runs on this thread (and whatever it runs inline): the instant it fired at.</summary>
    [ThreadStatic]
    private static DateTimeOffset? firedAt;

    /// <summary>The last reading this thread took of a clock, not yet spent by a timer.</summary>
    [ThreadStatic]
    private static Reading? lastReading;

    /// <summary>How long a move waits for what holds it before it fails, naming what did not settle.</summary>
    private static readonly TimeSpan HoldDeadline = TimeSpan.FromSeconds(20);

    private readonly object sync = new();
    private readonly List<ManualTimer> timers = [];
    private readonly List<Hold> holds = [];
    private DateTimeOffset now = start;

    public ManualClock()
        : this(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (sync)
        {
            if (firedAt is { } at)
            {
                return (at > now ? at : now) + TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(1);
            }

            lastReading = new Reading(this, now, Stopwatch.GetTimestamp());
            return now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>
    /// Makes every move of the clock wait first until <paramref name="settled"/> holds (what runs
    /// on the clock has done what the last move started, e.g. re-armed its waits); disposing ends it.
    /// </summary>
    public IDisposable HoldMoves(Func<bool> settled, Func<string> describe)
    {
        var hold = new Hold(this, settled, describe);
        lock (sync)
        {
            holds.Add(hold);
        }

        return hold;
    }

    private void WaitForHolds()
    {
        Hold[] waiting;
        lock (sync)
        {
            waiting = [.. holds];
        }

        var started = Stopwatch.GetTimestamp();
        foreach (var hold in waiting)
        {
            while (!hold.Settled())
            {
                if (Stopwatch.GetElapsedTime(started) > HoldDeadline)
                {
                    throw new TimeoutException($"The clock was to move from {GetUtcNow():u} but {hold.Describe()} after {HoldDeadline.TotalSeconds:0} s.");
                }

                Thread.Sleep(1); // polled across threads: what it waits for runs elsewhere and tells no one
            }
        }
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        WaitForHolds();
        lastReading = null; // the test's own reading is of before the move
        DateTimeOffset target;
        lock (sync)
        {
            target = now + by;
        }

        while (true)
        {
            ManualTimer? next;
            lock (sync)
            {
                next = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    now = target;
                    return;
                }

                if (next.DueAt > now)
                {
                    now = next.DueAt;
                }

                next.Reschedule(now);
            }

            next.Fire(now);
        }
    }

    /// <summary>
    /// Moves time forward at once, the way a machine that was suspended wakes up: timers that fell
    /// due meanwhile fire once each, at the new time, and nothing sees the times in between.
    /// </summary>
    public void Jump(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        WaitForHolds();
        lastReading = null;
        List<ManualTimer> due;
        lock (sync)
        {
            now += by;
            due = timers.Where(t => t.DueAt <= now).OrderBy(t => t.DueAt).ToList();
            foreach (var timer in due)
            {
                timer.Reschedule(now);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire(now);
        }
    }

    /// <summary>Moves time to <paramref name="at"/> (never backwards).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        DateTimeOffset from;
        lock (sync)
        {
            from = now;
        }

        Advance(at > from ? at - from : TimeSpan.Zero);
    }

    /// <summary>
    /// Where a timer armed now on this thread is measured from: the clock reading this thread took
    /// a moment ago if the clock moved on since, else the clock. Called under the clock's lock.
    /// </summary>
    private DateTimeOffset ArmedFrom()
    {
        var reading = lastReading;
        lastReading = null;
        return reading is { } read && ReferenceEquals(read.Clock, this) && read.At < now
            && Stopwatch.GetElapsedTime(read.RealTimestamp) < FreshReading
            ? read.At
            : now;
    }

    private sealed record Reading(ManualClock Clock, DateTimeOffset At, long RealTimestamp);

    private sealed class Hold(ManualClock clock, Func<bool> settled, Func<string> describe) : IDisposable
    {
        public Func<bool> Settled { get; } = settled;

        public Func<string> Describe { get; } = describe;

        public void Dispose()
        {
            lock (clock.sync)
            {
                clock.holds.Remove(this);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan newPeriod)
        {
            DateTimeOffset? fireNow = null;
            lock (clock.sync)
            {
                clock.timers.Remove(this);
                period = newPeriod;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    var from = clock.ArmedFrom();

                    if (dueTime <= AlreadyDue)
                    {
                        DueAt = clock.now + AlreadyDue;
                        fireNow = DueAt;
                        Reschedule(DueAt);
                    }
                    else if (from + dueTime <= clock.now)
                    {
                        // Its instant passed while the clock moved on after the reading: due at once.
                        DueAt = clock.now;
                        fireNow = DueAt;
                        Reschedule(DueAt);
                    }
                    else
                    {
                        DueAt = from + dueTime;
                        clock.timers.Add(this);
                    }
                }
            }

            if (fireNow is { } at)
            {
                // Never inline: the caller may hold locks, and a callback that re-arms must not recurse.
                ThreadPool.UnsafeQueueUserWorkItem(_ => Fire(at), null);
            }

            return true;
        }

        /// <summary>Called under the clock's lock as the timer fires: re-arms a periodic timer, drops a one-shot.</summary>
        public void Reschedule(DateTimeOffset firedAt)
        {
            clock.timers.Remove(this);
            if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero)
            {
                DueAt = firedAt + period;
                clock.timers.Add(this);
            }
        }

        public void Fire(DateTimeOffset at)
        {

            firedAt = at;
            try
            {
                callback(state);
            }
            finally
            {
                firedAt = null;
            }
        }

        public void Dispose()
        {
            lock (clock.sync)
            {
                clock.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
