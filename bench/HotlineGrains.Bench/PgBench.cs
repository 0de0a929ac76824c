using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace HotlineGrains.Bench;

internal sealed record PgbenchResult(int Clients, int Threads, double Tps, double LatencyAverageMs, long Transactions, long Failed, string Command, CpuUse Cpu);

/// <summary>
/// pgbench -N (the built-in "simple update": UPDATE pgbench_accounts, SELECT, INSERT history, five
/// statements per transaction) against the same server, on a database of its own, as the yardstick
/// for what this machine's PostgreSQL does with small write transactions.
/// </summary>
internal sealed partial class PgBench : IAsyncDisposable
{
    private readonly BenchOptions options;
    private readonly string admin;
    private readonly string database;
    private readonly NpgsqlConnectionStringBuilder connection;

    private PgBench(BenchOptions options, string admin, string database)
    {
        this.options = options;
        this.admin = admin;
        this.database = database;
        connection = new NpgsqlConnectionStringBuilder(admin);
    }

    public string Executable => Path.Combine(options.PgBin, "pgbench");

    public string InitCommand { get; private set; } = string.Empty;

    public double InitSeconds { get; private set; }

    public static async Task<PgBench> CreateAsync(BenchOptions options)
    {
        var admin = options.PostgresAdmin ?? throw new InvalidOperationException($"{BenchOptions.PostgresVariable} is not set.");
        var database = await ScratchDatabase.CreatePostgresDatabaseAsync(admin, "hotline_pgbench_");
        var bench = new PgBench(options, admin, database);
        try
        {
            var started = Stopwatch.GetTimestamp();
            (bench.InitCommand, _) = await bench.RunAsync(["-i", "-s", options.PgbenchScale.ToString(CultureInfo.InvariantCulture), "-q"]);
            bench.InitSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }

        return bench;
    }

    public async Task<string> VersionAsync()
    {
        var info = new ProcessStartInfo(Executable, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Executable}");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    /// <summary>Runs pgbench -N with <paramref name="clients"/> clients for <paramref name="seconds"/>, after a warm-up run.</summary>
    public async Task<PgbenchResult> MeasureAsync(int clients, double seconds, double warmupSeconds)
    {
        string[] Args(double duration) =>
        [
            "-N",
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", "2",
            "-T", Math.Max(1, (int)Math.Round(duration)).ToString(CultureInfo.InvariantCulture),
        ];

        if (warmupSeconds > 0)
        {
            await RunAsync(Args(warmupSeconds));
        }

        var sample = Noise.Start();
        var (command, output) = await RunAsync(Args(seconds));
        var cpu = await Noise.StopAsync(sample);
        return new PgbenchResult(
            clients,
            (int)Number(ThreadsPattern(), output, "number of threads"),
            Number(TpsPattern(), output, "tps"),
            Number(LatencyPattern(), output, "latency average"),
            (long)Number(ProcessedPattern(), output, "number of transactions actually processed"),
            FailedPattern().Match(output) is { Success: true } failed ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            command,
            cpu);
    }

    /// <summary>Runs pgbench on the scratch database; returns the command line (password not shown: it is in PGPASSWORD) and the output.</summary>
    private async Task<(string Command, string Output)> RunAsync(string[] arguments)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] connectionArgs = ["-h", connection.Host ?? "127.0.0.1", "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username ?? "postgres"];
        foreach (var argument in connectionArgs.Concat(arguments).Append(database))
        {
            info.ArgumentList.Add(argument);
        }

        if (connection.Password is { Length: > 0 } password)
        {
            info.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        var command = "pgbench " + string.Join(' ', info.ArgumentList.Select(a => a == database ? "<db>" : a));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} exited with {process.ExitCode}:\n{output}");
        }

        return (command, output);
    }

    private static double Number(Regex pattern, string output, string what) =>
        pattern.Match(output) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no '{what}':\n{output}");

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyPattern();

    [GeneratedRegex(@"^number of threads: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ThreadsPattern();

    [GeneratedRegex(@"^number of transactions actually processed: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"^number of failed transactions: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex FailedPattern();

    public async ValueTask DisposeAsync() => await ScratchDatabase.DropPostgresDatabaseAsync(admin, database);
}
