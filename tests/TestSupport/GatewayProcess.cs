using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Net.Sockets;

namespace HotlineGrains.Testing;

/// <summary>
/// The gateway as a user runs it: its own process, its own port, its own working directory (where
/// the embedded default keeps <c>hotline.db</c>). Settings go on the command line as
/// <c>--Key=Value</c>. Starting again with the same directory and <c>port</c> brings back the same
/// service at the same address, as after a restart.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private GatewayProcess(Process process, Uri address, Uri? managementAddress)
    {
        this.process = process;
        Address = address;
        ManagementAddress = managementAddress;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The management port (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>); null when <c>Management:Port</c> is 0.</summary>
    public Uri? ManagementAddress { get; }

    /// <summary>The operating system's id of the process, to read its CPU and memory from /proc.</summary>
    public int ProcessId => process.Id;

    public string Output => string.Join('\n', output);

    /// <param name="port">The loopback port to listen on; a free one when null.</param>
    /// <param name="environment">Environment variables of the process's own, beside the settings (which go on its command line).</param>
    public static GatewayProcess Start(string workingDirectory, IDictionary<string, string?>? settings = null, int? port = null, IDictionary<string, string>? environment = null) =>
        Start("Gateway", "HotlineGrains.Gateway.dll", workingDirectory, settings, port, environment);

    /// <summary>The headless worker (<c>src/Silo</c>): grains, reminders and outbox; its only HTTP is the <see cref="ManagementAddress"/>.</summary>
    public static GatewayProcess StartWorker(string workingDirectory, IDictionary<string, string?> settings) =>
        Start("Silo", "HotlineGrains.Silo.dll", workingDirectory, settings, port: null, environment: null);

    private static GatewayProcess Start(string project, string assembly, string workingDirectory, IDictionary<string, string?>? settings, int? port, IDictionary<string, string>? environment)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePorts.Next()}");
        var gateway = BuildDirectory(project, assembly);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(gateway, assembly));
        info.ArgumentList.Add($"--urls={address}");
        info.ArgumentList.Add($"--contentRoot={gateway}");
        // As `dotnet run` starts it (launchSettings.json): Development, unless the test says otherwise.
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        all.TryAdd("environment", "Development");
        var own = TestSilo.WithOwnPorts(all);
        foreach (var (key, value) in own)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        var management = own["Management:Port"] is { } managementPort && managementPort != "0" ? new Uri($"http://127.0.0.1:{managementPort}") : null;
        return new GatewayProcess(Process.Start(info)!, address, management);
    }

    /// <summary>The address of the gateway's wallboard hub, for a WebSocket client.</summary>
    public Uri HubUrl => new UriBuilder(Address) { Scheme = "ws", Path = "/hubs/wallboard" }.Uri;

    /// <summary>A demo user's token from the gateway's <c>/demo/tokens</c> (only with <c>Demo:Enabled</c>).</summary>
    public async Task<string> DemoTokenAsync(string user)
    {
        using var client = new HttpClient { BaseAddress = Address };
        using var response = await client.PostAsJsonAsync("/demo/tokens", new { user });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200; returns how long that took from now.</summary>
    /// <param name="onManagementPort">Ask the management port rather than the API's (a headless silo has only that).</param>
    public async Task<TimeSpan> WaitUntilServingAsync(string path, TimeSpan deadline, bool onManagementPort = false)
    {
        var address = onManagementPort ? ManagementAddress ?? throw new InvalidOperationException("Management:Port is 0: the process has no management port.") : Address;
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync(path)).StatusCode == HttpStatusCode.OK)
                {
                    return watch.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{path} did not answer 200 within {deadline}:\n{Output}");
    }

    public bool HasExited => process.HasExited;

    /// <summary>Waits for the process to end on its own, and for the last of its output.</summary>
    public async Task WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not stop within {deadline}:\n{Output}");
        }
    }

    /// <summary>Asks the process to stop as an orchestrator does (SIGTERM), and waits until it has.</summary>
    public async Task TerminateAsync(TimeSpan deadline)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await WaitForExitAsync(deadline);
    }

    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    /// <summary>A src project's build output for the configuration these tests were built in.</summary>
    private static string BuildDirectory(string project, string assembly)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", project, "bin", here.Parent!.Name, here.Name);
        return File.Exists(Path.Combine(path, assembly)) ? path : throw new FileNotFoundException($"Build src/{project} first.", path);
    }
}
