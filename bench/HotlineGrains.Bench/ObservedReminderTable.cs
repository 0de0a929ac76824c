using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace HotlineGrains.Bench;

/// <summary>One read of a range of the ring by a silo's reminder service (its start, a ring change, or the periodic refresh).</summary>
internal sealed record RangeRead(string Silo, DateTimeOffset StartedAt, double Milliseconds, int Rows);

/// <summary>What the reminder services of this process asked of their tables; shared by every silo of the process.</summary>
internal sealed class ReminderTableLog
{
    private readonly ConcurrentQueue<RangeRead> reads = new();

    public IReadOnlyList<RangeRead> Reads => [.. reads];

    public void Read(RangeRead read) => reads.Enqueue(read);
}

/// <summary>
/// The silo's reminder table (Orleans' ADO.NET one, or the SQLite one), unchanged, with its range
/// reads timed: Orleans' reminder service reads its whole range of the ring at start, when the ring
/// changes and every <c>ReminderOptions.RefreshReminderListPeriod</c>, which with a million rows is
/// the heaviest thing it does, and the bench reports when those reads fell.
/// </summary>
internal sealed class ObservedReminderTable(IReminderTable inner, ReminderTableLog log, string silo) : IReminderTable
{
    /// <summary>Wraps the <see cref="IReminderTable"/> registered last in <paramref name="services"/>.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No IReminderTable is registered to observe.");
        services.Remove(registered);
        services.AddSingleton<IReminderTable>(provider => new ObservedReminderTable(
            Create(provider, registered),
            provider.GetRequiredService<ReminderTableLog>(),
            provider.GetRequiredService<HotlineGrains.Testing.ProbeNode>().Name));
    }

    private static IReminderTable Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (IReminderTable)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) => inner.ReadRows(grainId, cancellationToken);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => Timed(() => inner.ReadRows(begin, end));

    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) => Timed(() => inner.ReadRows(begin, end, cancellationToken));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) => inner.ReadRow(grainId, reminderName, cancellationToken);

    public Task<string?> UpsertRow(ReminderEntry entry) => inner.UpsertRow(entry);

    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken) => inner.UpsertRow(entry, cancellationToken);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => inner.RemoveRow(grainId, reminderName, eTag);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) => inner.RemoveRow(grainId, reminderName, eTag, cancellationToken);

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

    public Task TestOnlyClearTable(CancellationToken cancellationToken) => inner.TestOnlyClearTable(cancellationToken);

    private async Task<ReminderTableData> Timed(Func<Task<ReminderTableData>> read)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var data = await read();
        log.Read(new RangeRead(silo, startedAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, data.Reminders.Count));
        return data;
    }
}
