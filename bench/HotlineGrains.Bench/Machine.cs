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
    string Sqlite)
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
            sqlite);
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
