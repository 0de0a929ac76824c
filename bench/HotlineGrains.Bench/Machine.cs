using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HotlineGrains.Bench;

/// <summary>What the figures were measured on.</summary>
internal sealed record Machine(
    int Processors,
    string Memory,
    string Cpu,
    string OperatingSystem,
    string Dotnet,
    string Build,
    string PostgreSql,
    string PostgreSqlSettings,
    string Pgbench,
    string Sqlite,
    string Disk,
    double FsyncMicroseconds,
    string Source)
{
    public static async Task<Machine> DescribeAsync(BenchOptions options, PgBench? pgbench)
    {
        var memory = ReadField("/proc/meminfo", "MemTotal") is { } total
            && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? $"{kb / 1024.0 / 1024.0:F1} GiB"
            : "unknown";
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var os = ReadField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim() : null;
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var build = $"{configuration}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC";

        string postgres = "not measured", settings = string.Empty;
        if (options.PostgresAdmin is { } admin && options.UsesPostgres)
        {
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using (var command = new NpgsqlCommand("select version()", connection))
                {
                    postgres = (string)(await command.ExecuteScalarAsync())!;
                }

                var values = new List<string>();
                foreach (var name in new[] { "fsync", "synchronous_commit", "shared_buffers", "max_connections", "wal_level" })
                {
                    await using var show = new NpgsqlCommand($"show {name}", connection);
                    values.Add($"{name}={await show.ExecuteScalarAsync()}");
                }

                settings = string.Join(", ", values);
            }
            catch (NpgsqlException exception)
            {
                postgres = "unreachable: " + exception.Message;
            }
        }

        var (disk, fsync) = MeasureFsync();
        string sqlite;
        await using (var connection = new SqliteConnection("Data Source=:memory:"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "select sqlite_version()";
            sqlite = "SQLite " + (string)(await command.ExecuteScalarAsync())!;
        }

        return new Machine(
            Environment.ProcessorCount,
            memory,
            cpu,
            kernel is null ? os : $"{os}, Linux {kernel}",
            RuntimeInformation.FrameworkDescription,
            build,
            postgres,
            settings,
            pgbench is null ? "not run" : await pgbench.VersionAsync(),
            sqlite,
            disk,
            fsync,
            await SourceAsync());
    }

    /// <summary>How long an 8 kB write + fsync takes in the temp directory (the same disk as the test databases here).</summary>
    private static (string Text, double MedianMicroseconds) MeasureFsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "hotline-bench-fsync-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var buffer = new byte[8192];
            var times = new List<long>();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                var until = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency;
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    file.Position = 0;
                    file.Write(buffer);
                    file.Flush(flushToDisk: true);
                    times.Add(System.Diagnostics.Stopwatch.GetTimestamp() - started);
                }
            }

            var p = Percentiles.FromTicks(times.ToArray());
            return (string.Create(CultureInfo.InvariantCulture, $"8 kB write + fsync in {Path.GetTempPath()}: median {p.P50 * 1000:F0} µs, p99 {p.P99 * 1000:F0} µs ({p.Count} in 1 s)"), p.P50 * 1000);
        }
        catch (IOException exception)
        {
            return ("not measured: " + exception.Message, double.NaN);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The commit measured, and whether src/ had uncommitted changes (another engineer may be editing it).</summary>
    private static async Task<string> SourceAsync()
    {
        try
        {
            var root = Report.RepositoryRoot();
            var commit = (await GitAsync(root, "rev-parse --short HEAD")).Trim();
            var dirty = (await GitAsync(root, "status --porcelain -- src")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return dirty == 0 ? $"commit {commit}, src/ clean" : $"commit {commit} with uncommitted changes in {dirty} src/ path(s)";
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown (" + exception.Message + ")";
        }
    }

    private static async Task<string> GitAsync(string root, string arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo("git", $"-C \"{root}\" {arguments}") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("git did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {arguments} exited with {process.ExitCode}");
    }

    private static string? ReadField(string path, string key, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == key)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}
