using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>The gateway as a user runs it: its own process, its own port, its own working directory.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private GatewayProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Output => string.Join('\n', output);

    public static GatewayProcess Start(string workingDirectory, IDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var gateway = GatewayDirectory();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(gateway, "HotlineGrains.Gateway.dll"));
        info.ArgumentList.Add($"--urls={address}");
        info.ArgumentList.Add($"--contentRoot={gateway}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        return new GatewayProcess(Process.Start(info)!, address);
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200; returns how long that took from now.</summary>
    public async Task<TimeSpan> WaitUntilServingAsync(string path, TimeSpan deadline)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {process.ExitCode}:\n{Output}");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The gateway's build output for the configuration these tests were built in.</summary>
    private static string GatewayDirectory()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Gateway", "bin", here.Parent!.Name, here.Name);
        return File.Exists(Path.Combine(path, "HotlineGrains.Gateway.dll")) ? path : throw new FileNotFoundException("Build src/Gateway first.", path);
    }
}
