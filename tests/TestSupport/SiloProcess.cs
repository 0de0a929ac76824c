using System.Collections.Concurrent;
using System.Diagnostics;

namespace HotlineGrains.Testing;

/// <summary>
/// A silo in a process of its own (tests/Silo.TestHost), for tests that need two hosts sharing
/// nothing but the database, or a node to kill with SIGKILL.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ConcurrentQueue<string> errors = new();

    private SiloProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Lines => lines;

    public bool HasExited => process.HasExited;

    /// <summary>Starts the test host with <paramref name="settings"/> as <c>--Key=Value</c> arguments.</summary>
    public static SiloProcess Start(IDictionary<string, string?> settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostAssembly());
        foreach (var (key, value) in TestSilo.WithOwnPorts(settings))
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        return new SiloProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the test host"));
    }

    /// <summary>The test host built beside the calling test project (same configuration).</summary>
    private static string HostAssembly()
    {
        // .../tests/<Project>/bin/<Configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Silo.TestHost", "bin", configuration, tfm, "HotlineGrains.Silo.TestHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/Silo.TestHost first.", path);
    }

    /// <summary>Waits for a line of output that starts with <paramref name="prefix"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan? deadline = null)
    {
        string? found = null;
        await Eventually.Until(() =>
        {
            found = lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (found is null && process.HasExited)
            {
                throw new InvalidOperationException($"The test host exited with {process.ExitCode} before printing '{prefix}'. stderr:\n{string.Join('\n', errors)}");
            }

            return found is not null;
        }, $"test host prints '{prefix}'", deadline ?? TimeSpan.FromSeconds(60));
        return found!;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, its connections just drop.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }
}
