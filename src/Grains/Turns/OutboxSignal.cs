namespace HotlineGrains.Grains.Turns;

/// <summary>
/// Wakes this silo's outbox relay when a turn stored outbox rows, so a grain message or event
/// leaves at once rather than at the relay's next look. An auto-reset signal: a wait completes
/// once per burst of <see cref="Notify"/>. Losing one only delays: the relay looks on its own
/// every poll interval too.
/// </summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Volatile.Read(ref pending).TrySetResult();

    /// <summary>Waits for a <see cref="Notify"/> or for <paramref name="timeout"/> on <paramref name="time"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var current = Volatile.Read(ref pending);
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
