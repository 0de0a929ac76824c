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
/// </remarks>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>A timer armed for no more than this fires as soon as it is armed.</summary>
    private static readonly TimeSpan AlreadyDue = TimeSpan.FromMilliseconds(1);

    /// <summary>While a timer's callback runs on this thread (and whatever it runs inline): the instant it fired at.</summary>
    [ThreadStatic]
    private static DateTimeOffset? firedAt;

    private readonly object sync = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = start;

    public ManualClock()
        : this(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (sync)
        {
            return firedAt is { } at ? (at > now ? at : now) + TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(1) : now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves time forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
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
    public void AdvanceTo(DateTimeOffset at) => Advance(at > GetUtcNow() ? at - GetUtcNow() : TimeSpan.Zero);

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
                    DueAt = clock.now + (dueTime > AlreadyDue ? dueTime : AlreadyDue);
                    if (dueTime <= AlreadyDue)
                    {
                        fireNow = DueAt;
                        Reschedule(DueAt);
                    }
                    else
                    {
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
