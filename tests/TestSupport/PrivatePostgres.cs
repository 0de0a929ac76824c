using System.Diagnostics;
using Npgsql;

namespace HotlineGrains.Testing;

/// <summary>
/// A PostgreSQL server of one test's own (initdb and pg_ctl from <c>$HOTLINE_PG_BIN</c>, run as the
/// <c>postgres</c> OS user), on a free loopback port with its own data directory, for outage
/// drills that stop and start it: the shared test server stays up for everyone else. Trust
/// authentication on loopback: it lives as long as the test.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string directory;
    private readonly string bin;

    private PrivatePostgres(string directory, string bin, int port)
    {
        this.directory = directory;
        this.bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "hotline", MaxPoolSize = 100,
    }.ToString();

    private string Data => Path.Combine(directory, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("HOTLINE_PG_BIN") is { Length: > 0 } set
            ? set
            : throw new InvalidOperationException("HOTLINE_PG_BIN is not set: eval \"$(scripts/services.sh env)\".");
        var directory = Directory.CreateTempSubdirectory("hotline-private-pg-").FullName;
        await Run("chown", "postgres:postgres", directory);
        var server = new PrivatePostgres(directory, bin, FreePorts.Next());
        await server.AsPostgres("initdb", "-D", server.Data, "-U", "postgres", "-A", "trust", "--no-sync");
        await server.StartAgainAsync();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("create database hotline", connection);
        await create.ExecuteNonQueryAsync();
        return server;
    }

    /// <summary>Starts the server on its port and data directory; returns once it accepts connections.</summary>
    public Task StartAgainAsync() =>
        AsPostgres("pg_ctl", "start", "-w", "-t", "120", "-D", Data, "-l", Path.Combine(directory, "postgres.log"),
            "-o", $"-p {Port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off");

    /// <summary>Stops the server at once (fast shutdown: open sessions are ended, as in a database restart).</summary>
    public Task StopAsync() => AsPostgres("pg_ctl", "stop", "-w", "-m", "fast", "-D", Data);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await AsPostgres("pg_ctl", "stop", "-w", "-m", "immediate", "-D", Data);
        }

        Directory.Delete(directory, recursive: true);
    }

    private Task AsPostgres(string tool, params string[] arguments) =>
        Run("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. arguments]);

    internal static async Task Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
