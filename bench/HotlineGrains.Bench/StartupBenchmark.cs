using System.Diagnostics;
using System.Globalization;
using HotlineGrains.Testing;

namespace HotlineGrains.Bench;

/// <summary>One start of the gateway process on the embedded default.</summary>
/// <param name="ReadySeconds">From just before the process was started until <c>/readyz</c> answered 200.</param>
/// <param name="FloorSeconds">From the same moment until the gateway logged that the demo floor was seeded (null: not seen).</param>
/// <param name="GatewayCpuSeconds">CPU time (user + system) the gateway process had used when it was ready.</param>
/// <param name="Other">Cores other processes used meanwhile (not the bench, not the gateway).</param>
internal sealed record StartupRun(int Run, double ReadySeconds, double? FloorSeconds, double GatewayCpuSeconds, double RssMb, double Other, string? Error);

/// <summary>
/// Embedded start-up: the gateway's build output started as its own process (<c>GatewayProcess</c>)
/// in an empty working directory with nothing but its shipped settings (SQLite <c>hotline.db</c>
/// there, in-memory bus, demo data on), as a first-time user runs it; timed until <c>/readyz</c>
/// answers 200. Each run starts in a fresh directory, so every run creates and migrates its database
/// and seeds the demo data; the first run of the bench is reported apart (cold).
/// </summary>
internal static class StartupBenchmark
{
    private const double TicksPerSecond = 100; // USER_HZ

    public static async Task<StartupRun> RunAsync(int run)
    {
        var directory = Directory.CreateTempSubdirectory("hotline-bench-startup-");
        try
        {
            var sample = Noise.Start();
            var watch = Stopwatch.StartNew();
            // The embedded default as `dotnet run` starts it: Development, where the shipped settings turn demo on.
            await using var gateway = GatewayProcess.Start(directory.FullName, new Dictionary<string, string?> { ["environment"] = "Development" });
            try
            {
                await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(120));
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
            {
                return new StartupRun(run, double.NaN, null, double.NaN, double.NaN, double.NaN, exception.Message.Split('\n')[0]);
            }

            var ready = watch.Elapsed.TotalSeconds;
            var cpuTicks = ProcessTicks(gateway.ProcessId);
            var rss = RssMb(gateway.ProcessId);
            var use = await Noise.StopAsync(sample);
            var gatewayCores = use.Seconds > 0 ? cpuTicks / TicksPerSecond / use.Seconds : double.NaN;
            var other = use.IsKnown ? Math.Max(0, use.Other + (double.IsNaN(use.Postgres) ? 0 : use.Postgres) - gatewayCores) : double.NaN;

            double? floor = null;
            while (watch.Elapsed < TimeSpan.FromSeconds(ready + 60) && !gateway.HasExited)
            {
                if (gateway.Output.Contains("Demo floor ready", StringComparison.Ordinal))
                {
                    floor = watch.Elapsed.TotalSeconds;
                    break;
                }

                await Task.Delay(20);
            }

            return new StartupRun(run, ready, floor, cpuTicks / TicksPerSecond, rss, other, null);
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    private static long ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
