using System.Diagnostics;
using System.Reflection;

namespace HotlineGrains.OpenApi.Tests;

/// <summary>
/// The npm tools of this folder's package.json (Redocly CLI, openapi-typescript, TypeScript),
/// restored by the build with <c>npm ci</c> from the lockfile, run as processes.
/// </summary>
internal static class NodeTools
{
    /// <summary>This project's folder (package.json, node_modules, redocly.yaml), as the build saw it.</summary>
    public static string Directory { get; } = typeof(NodeTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OpenApiToolsDirectory").Value!;

    /// <summary>Runs <paramref name="tool"/> from node_modules/.bin in <paramref name="workingDirectory"/>; it gets two minutes.</summary>
    public static async Task<ToolRun> RunAsync(string workingDirectory, string tool, params string[] arguments)
    {
        var executable = Path.Combine(Directory, "node_modules", ".bin", OperatingSystem.IsWindows() ? tool + ".cmd" : tool);
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: build this project again, which runs npm ci in {Directory}.");
        }

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Plain text, and nothing sent anywhere: no usage telemetry, no update check.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within two minutes.");
        }

        return new ToolRun(process.ExitCode, await output, await error);
    }
}

internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
