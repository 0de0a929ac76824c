namespace HotlineGrains.Silo.Runtime;

/// <summary>Wakes this node's reminder loop and outbox relay when a local turn gives them work.</summary>
internal sealed class RuntimeSignals
{
    public AsyncSignal Reminders { get; } = new();

    public AsyncSignal Outbox { get; } = new();

    public void RemindersChanged() => Reminders.Set();

    public void OutboxChanged() => Outbox.Set();
}

/// <summary>An auto-reset signal: <see cref="WaitAsync"/> completes once per <see cref="Set"/> burst.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref pending).TrySetResult();

    /// <summary>Waits for a <see cref="Set"/> or for <paramref name="timeout"/> on <paramref name="time"/>, whichever is first.</summary>
    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitUntilAsync(time.GetUtcNow() + timeout, time, cancellationToken);

    /// <summary>
    /// Waits for a <see cref="Set"/> or until <paramref name="until"/> on <paramref name="time"/>. The
    /// delay is measured from the moment the timer starts, not from when the caller looked at the clock.
    /// </summary>
    public async Task WaitUntilAsync(DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref pending);
        var timeout = until - time.GetUtcNow();
        if (!current.Task.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, linked.Token);
            await Task.WhenAny(current.Task, delay).WaitAsync(cancellationToken);
            await linked.CancelAsync();
        }

        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }
}
