namespace HotlineGrains.Testing;

/// <summary>Polling with a deadline, for what crosses processes or threads we do not drive.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        var pause = TimeSpan.FromMilliseconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out after {deadline ?? DefaultDeadline} waiting for: {what}");
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        Until(() => Task.FromResult(condition()), what, deadline);

    /// <summary>
    /// Like <see cref="Until(Func{Task{bool}}, string, TimeSpan?)"/>, for a cluster that is
    /// recovering from a dead silo: a call that fails because the silo is gone counts as "not yet"
    /// until the cluster has declared it dead and the grains live elsewhere.
    /// </summary>
    public static Task UntilRecovered(Func<Task<bool>> condition, string what, TimeSpan deadline) =>
        Until(async () =>
        {
            try
            {
                return await condition();
            }
            catch (Exception exception) when (exception is Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.SiloUnavailableException or TimeoutException)
            {
                return false;
            }
        }, what, deadline);
}

/// <summary>Small helpers for reading grains in tests.</summary>
public static class TaskExtensions
{
    /// <summary>The task's result, mapped: <c>grain.GetSnapshot().Then(s =&gt; s.State)</c> stays awaitable.</summary>
    public static async Task<TOut> Then<TIn, TOut>(this Task<TIn> task, Func<TIn, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(map);
        return map(await task);
    }
}

/// <summary>Grain messages delivered by hand, the way the outbox relay delivers them.</summary>
public static class GrainMessages
{
    /// <summary>Delivers <paramref name="message"/> to <paramref name="grain"/> under a new id (or <paramref name="id"/>, to repeat a delivery).</summary>
    public static Task Deliver(this Orleans.Runtime.IAddressable grain, HotlineGrains.Grains.Turns.IGrainMessage message, Guid? id = null) =>
        Orleans.GrainExtensions.AsReference<HotlineGrains.Grains.Turns.IReceiveMessages>(grain).Deliver([new HotlineGrains.Grains.Turns.GrainMessage(id ?? Guid.NewGuid(), message)]);
}
