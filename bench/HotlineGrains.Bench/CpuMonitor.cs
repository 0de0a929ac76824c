using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace HotlineGrains.Bench;

/// <summary>
/// How much CPU went where during a measurement: this process (and pgbench, its child), the
/// PostgreSQL processes serving it, and everything else ("other": builds, tests or databases of
/// other people on the same machine). On a 2-core machine a busy neighbour halves the figures, so
/// every cell records it, and a disturbed cell is measured again.
/// </summary>
internal sealed class CpuMonitor(string? postgresAdmin)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private static readonly bool Available = File.Exists("/proc/stat");

    public sealed record Sample(long Timestamp, long TotalBusy, long Self, Dictionary<int, long> Postgres);

    public static Sample Take()
    {
        var timestamp = Stopwatch.GetTimestamp();
        if (!Available)
        {
            return new Sample(timestamp, 0, 0, []);
        }

        // cpu user nice system idle iowait irq softirq steal guest guest_nice; busy = user+nice+system
        // (soft interrupts, where loopback traffic is handled, are left out: they are nobody's in particular).
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var busy = long.Parse(cpu[1], CultureInfo.InvariantCulture) + long.Parse(cpu[2], CultureInfo.InvariantCulture) + long.Parse(cpu[3], CultureInfo.InvariantCulture);

        var self = ProcessTicks(Environment.ProcessId, includeChildren: true) ?? 0;
        var postgres = new Dictionary<int, long>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // With its children's time: backends that ended (pgbench's, when it exits) are reaped by the postmaster.
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "postgres" && ProcessTicks(pid, includeChildren: true) is { } ticks)
                {
                    postgres[pid] = ticks;
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return new Sample(timestamp, busy, self, postgres);
    }

    /// <summary>CPU use between two samples, in cores (1.0 = one core busy for the whole time).</summary>
    public async Task<CpuUse> MeasureAsync(Sample start, Sample end)
    {
        var seconds = (end.Timestamp - start.Timestamp) / (double)Stopwatch.Frequency;
        if (!Available || seconds <= 0)
        {
            return CpuUse.Unknown;
        }

        var foreignBackends = await ForeignBackendsAsync(ScratchDatabase.Ours);
        long ours = 0, theirs = 0;
        foreach (var (pid, ticks) in end.Postgres)
        {
            var delta = ticks - start.Postgres.GetValueOrDefault(pid);
            if (foreignBackends.Contains(pid))
            {
                theirs += delta;
            }
            else
            {
                ours += delta;
            }
        }

        var total = end.TotalBusy - start.TotalBusy;
        var self = end.Self - start.Self;
        var other = Math.Max(0, total - self - ours);
        return new CpuUse(seconds, self / TicksPerSecond / seconds, ours / TicksPerSecond / seconds, other / TicksPerSecond / seconds);
    }

    /// <summary>Client backends connected to databases that are not this run's.</summary>
    private async Task<HashSet<int>> ForeignBackendsAsync(ICollection<string> ourDatabases)
    {
        var pids = new HashSet<int>();
        if (postgresAdmin is null)
        {
            return pids;
        }

        try
        {
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() and not (datname = any(@ours))", connection);
            command.Parameters.AddWithValue("ours", ourDatabases.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }
        catch (NpgsqlException)
        {
            // Without the list, other people's backends count as ours: the figure errs on the quiet side.
        }

        return pids;
    }

    private static long? ProcessTicks(int pid, bool includeChildren)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after "(comm)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (includeChildren)
            {
                ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }

            return ticks;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>The monitor of this run, and the policy for a disturbed measurement.</summary>
internal static class Noise
{
    public static CpuMonitor Monitor { get; set; } = new(null);

    /// <summary>A measurement during which other processes used more than this (in cores) is taken again.</summary>
    public static double Limit { get; set; } = 0.15;

    /// <summary>How long to wait, at most, for the machine to be quiet before a measurement.</summary>
    public static TimeSpan QuietWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts at a disturbed measurement.</summary>
    public static int Retries { get; set; } = 1;

    public static CpuMonitor.Sample Start() => CpuMonitor.Take();

    public static Task<CpuUse> StopAsync(CpuMonitor.Sample start) => Monitor.MeasureAsync(start, CpuMonitor.Take());

    /// <summary>Waits (up to <see cref="QuietWait"/>) until other processes use less than the limit over half a second.</summary>
    public static async Task WaitForQuietAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(QuietWait.TotalSeconds * Stopwatch.Frequency);
        var said = false;
        while (true)
        {
            var start = Start();
            await Task.Delay(500);
            var use = await StopAsync(start);
            if (!use.IsKnown || use.Other < Limit || Stopwatch.GetTimestamp() > deadline)
            {
                return;
            }

            if (!said)
            {
                Progress.Say($"other processes use {use.Other:F2} cores; waiting up to {QuietWait.TotalSeconds:F0} s for quiet");
                said = true;
            }
        }
    }

    /// <summary>
    /// Measures with <paramref name="measure"/>, waiting for quiet first; a measurement disturbed by
    /// other processes is taken again, and the least disturbed one is kept.
    /// </summary>
    public static async Task<T> MeasureAsync<T>(Func<Task<T>> measure, Func<T, CpuUse> cpu, string what)
    {
        T? best = default;
        for (var attempt = 0; attempt <= Retries; attempt++)
        {
            await WaitForQuietAsync();
            var result = await measure();
            var use = cpu(result);
            if (best is null || cpu(best).Other > use.Other)
            {
                best = result;
            }

            if (!use.IsKnown || use.Other < Limit)
            {
                break;
            }

            if (attempt < Retries)
            {
                Progress.Say($"{what}: other processes used {use.Other:F2} cores meanwhile; measuring again");
            }
        }

        return best!;
    }
}

/// <summary>Average CPU use over a measurement, in cores.</summary>
internal sealed record CpuUse(double Seconds, double Self, double Postgres, double Other)
{
    public static readonly CpuUse Unknown = new(0, double.NaN, double.NaN, double.NaN);

    public bool IsKnown => !double.IsNaN(Other);
}
