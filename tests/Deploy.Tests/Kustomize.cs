using System.Diagnostics;
using k8s;

namespace HotlineGrains.Deploy.Tests;

/// <summary>Renders an overlay of <c>k8s/</c> with <c>kubectl kustomize</c>, as <c>kubectl apply -k</c> would.</summary>
internal static class Kustomize
{
    public const string MissingKubectl =
        "kubectl is not on PATH: it renders the k8s/ overlays (kustomize is built in). CI has it; install kubectl to run these tests.";

    public static string[] Overlays => ["dev", "production"];

    /// <summary>kubectl's full path, or null when there is none on PATH.</summary>
    public static string? Kubectl { get; } = FindOnPath("kubectl");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static IReadOnlyList<object> Render(string overlay)
    {
        var directory = Path.Combine(RepositoryRoot, "k8s", "overlays", overlay);
        var start = new ProcessStartInfo(Kubectl ?? throw new InvalidOperationException(MissingKubectl), ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {directory} did not finish within a minute.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {error.Result}");
        }

        // strict: a field the client's models do not know fails here too, not only in scripts/k8s-check.sh.
        return KubernetesYaml.LoadAllFromString(output.Result, typeMap: null, strict: true);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HotlineGrains.sln")) && Directory.Exists(Path.Combine(directory.FullName, "k8s")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No HotlineGrains.sln with a k8s folder above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that is skipped, saying why, when kubectl is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kustomize.Kubectl is null)
        {
            Skip = Kustomize.MissingKubectl;
        }
    }
}

/// <summary>A theory that is skipped, saying why, when kubectl is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (Kustomize.Kubectl is null)
        {
            Skip = Kustomize.MissingKubectl;
        }
    }
}
