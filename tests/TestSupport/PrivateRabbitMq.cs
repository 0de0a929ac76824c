using System.Diagnostics;
using System.Net.Sockets;

namespace HotlineGrains.Testing;

/// <summary>
/// A RabbitMQ node of one test's own: its own node name, AMQP and distribution ports, database,
/// logs and (empty) enabled-plugins file under a temporary directory, so an outage drill can stop
/// and start it while the shared test broker stays up. Its state survives a stop: durable
/// exchanges and queues are there again after <see cref="StartAgainAsync"/>.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Sbin = "/usr/lib/rabbitmq/bin";
    private readonly string directory;
    private readonly string node;
    private readonly int distributionPort;
    private Process? server;

    private PrivateRabbitMq(string directory)
    {
        this.directory = directory;
        node = "hotline-drill-" + Path.GetFileName(directory).Replace('.', '-') + "@localhost";
        Port = FreePorts.Next();
        distributionPort = FreePorts.Next();
    }

    public int Port { get; }

    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        var broker = new PrivateRabbitMq(Directory.CreateTempSubdirectory("hotline-private-rmq-").FullName);
        foreach (var folder in new[] { "home", "mnesia", "log", "plugins-expand" })
        {
            Directory.CreateDirectory(Path.Combine(broker.directory, folder));
        }

        await File.WriteAllTextAsync(Path.Combine(broker.directory, "enabled_plugins"), "[].\n");
        await File.WriteAllTextAsync(Path.Combine(broker.directory, "rabbitmq-env.conf"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(broker.directory, "rabbitmq.conf"),
            $"listeners.tcp.1 = 127.0.0.1:{broker.Port}\nloopback_users.guest = true\ndisk_free_limit.absolute = 50MB\nlog.console = false\n");
        // The node and rabbitmqctl must share a cookie: written once, before either makes its own.
        var cookie = Path.Combine(broker.directory, "home", ".erlang.cookie");
        await File.WriteAllTextAsync(cookie, Guid.NewGuid().ToString("N").ToUpperInvariant());
        await PrivatePostgres.Run("chmod", "400", cookie);
        try
        {
            await broker.StartAgainAsync();
            return broker;
        }
        catch
        {
            // xUnit disposes nothing whose start failed: the node must not outlive the test.
            broker.server?.Kill(entireProcessTree: true);
            Directory.Delete(broker.directory, recursive: true);
            throw;
        }
    }

    /// <summary>Starts the node; returns once it has booted and its AMQP port accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var info = Info(Path.Combine(Sbin, "rabbitmq-server"));
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        server = Process.Start(info)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        // await_startup needs the node's Erlang VM up: until then it fails at once, so it is polled.
        await Eventually.Until(async () =>
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server for {node} exited with {server.ExitCode}; see {directory}/log");
            }

            try
            {
                await Ctl(60, "await_startup");
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }, $"RabbitMQ node {node} booted", TimeSpan.FromSeconds(180));
        await Eventually.Until(AcceptsConnections, $"RabbitMQ node {node} accepting AMQP on {Port}", TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops the node (as an operator or a crash of the broker's host would take it away) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        await Ctl(120, "stop");
        if (server is not null)
        {
            await server.WaitForExitAsync();
            server.Dispose();
            server = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            try
            {
                await StopAsync();
            }
            catch (InvalidOperationException)
            {
                server?.Kill(entireProcessTree: true);
            }
        }

        Directory.Delete(directory, recursive: true);
    }

    private async Task<bool> AcceptsConnections()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task Ctl(int seconds, params string[] arguments)
    {
        var info = Info("timeout");
        info.ArgumentList.Insert(0, Path.Combine(Sbin, "rabbitmqctl"));
        info.ArgumentList.Insert(0, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(node);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} on {node} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }

    /// <summary>The environment every rabbitmq script of this node runs in.</summary>
    private ProcessStartInfo Info(string file)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, WorkingDirectory = directory };
        info.Environment["HOME"] = Path.Combine(directory, "home");
        info.Environment["RABBITMQ_NODENAME"] = node;
        info.Environment["RABBITMQ_USE_LONGNAME"] = "false";
        info.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        info.Environment["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_DIST_PORT"] = distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf");
        info.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins");
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log");
        info.Environment["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid");
        info.Environment["RABBITMQ_PLUGINS_EXPAND_DIR"] = Path.Combine(directory, "plugins-expand");
        info.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        info.Environment["RABBITMQ_CTL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        info.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        return info;
    }
}
