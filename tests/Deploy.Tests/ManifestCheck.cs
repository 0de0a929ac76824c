using System.Globalization;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Operations;
using Orleans.Hosting.Kubernetes;

namespace HotlineGrains.Deploy.Tests;

/// <summary>What is wrong with the settings of an overlay's containers, as sentences naming the container.</summary>
internal static class ManifestCheck
{
    /// <summary>What SIGTERM must leave a node besides the host's shutdown timeout and the preStop pause.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    public static async Task<List<string>> ProblemsAsync(IReadOnlyList<ContainerSettings> containers)
    {
        var problems = new List<string>();
        foreach (var container in containers)
        {
            var known = KnownSettings.For(container.Role);
            foreach (var (name, _) in container.Environment)
            {
                var key = ContainerSettings.ToKey(name);
                if (!known.Knows(key))
                {
                    problems.Add($"{container}: {name} sets {key}, which the {container.Role} does not read");
                }
            }

            var (errors, shutdownTimeout) = await AppStart.ValidateAsync(container);
            problems.AddRange(errors.Select(e => $"{container}: the {container.Role} refuses its settings: {e}"));

            // On SIGTERM the kubelet runs preStop, then the host stops within its shutdown timeout; the
            // grace period must cover both or the node is killed mid hand-over.
            var grace = TimeSpan.FromSeconds(container.Pod.Spec.TerminationGracePeriodSeconds ?? 30);
            var preStop = TimeSpan.FromSeconds(container.Container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0);
            if (grace < preStop + shutdownTimeout + ExitMargin)
            {
                problems.Add($"{container}: terminationGracePeriodSeconds {grace.TotalSeconds} s does not cover preStop {preStop.TotalSeconds} s "
                    + $"+ the host's shutdown timeout {shutdownTimeout.TotalSeconds} s + {ExitMargin.TotalSeconds} s");
            }

            problems.AddRange(ManagementPortProblems(container));
            if (container.Role == AppRole.Silo && string.Equals(Setting(container, "Orleans:Kubernetes"), "true", StringComparison.OrdinalIgnoreCase))
            {
                problems.AddRange(KubernetesHostingProblems(container));
            }
        }

        // Silos and gateways of one overlay form one cluster: the same service and cluster ids.
        var identities = containers
            .Select(c => (Container: c, Id: (Setting(c, "Orleans:ServiceId") ?? "hotline", Setting(c, "Orleans:ClusterId") ?? "hotline")))
            .ToList();
        if (identities.Select(i => i.Id).Distinct().Count() > 1)
        {
            problems.Add("the containers are not of one Orleans cluster: "
                + string.Join(", ", identities.Select(i => $"{i.Container} has service id {i.Id.Item1}, cluster id {i.Id.Item2}")));
        }

        return problems;
    }

    /// <summary>What Microsoft.Orleans.Hosting.Kubernetes needs of a silo pod.</summary>
    private static IEnumerable<string> KubernetesHostingProblems(ContainerSettings container)
    {
        foreach (var variable in KnownSettings.KubernetesHostingVariables)
        {
            if (container[variable] is null)
            {
                yield return $"{container}: Orleans:Kubernetes is on but {variable} is not set (Orleans' Kubernetes hosting reads it)";
            }
        }

        var labels = container.Pod.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var (label, key) in new[]
                 {
                     (KubernetesHostingOptions.ServiceIdLabel, $"{HotlineClusterOptions.Section}:{nameof(HotlineClusterOptions.ServiceId)}"),
                     (KubernetesHostingOptions.ClusterIdLabel, $"{HotlineClusterOptions.Section}:{nameof(HotlineClusterOptions.ClusterId)}"),
                 })
        {
            var configured = Setting(container, key) ?? "hotline";
            if (!labels.TryGetValue(label, out var value) || value != configured)
            {
                yield return $"{container}: pod label {label} is '{value}' but {key} is '{configured}': Orleans' Kubernetes hosting would watch other pods than this cluster's silos";
            }
        }
    }

    /// <summary>
    /// The port the pod names <c>management</c>, the port Prometheus is told to scrape and (on a
    /// silo, whose only HTTP it is) the port its probes ask are the one the program listens on.
    /// </summary>
    private static IEnumerable<string> ManagementPortProblems(ContainerSettings container)
    {
        var key = $"{ManagementOptions.Section}:{nameof(ManagementOptions.Port)}";
        var port = int.TryParse(Setting(container, key), out var configured) ? configured : new ManagementOptions().Port;
        var named = container.Container.Ports?.FirstOrDefault(p => p.Name == "management")?.ContainerPort;
        if (named != port)
        {
            yield return $"{container}: the container port named management is {named?.ToString(CultureInfo.InvariantCulture) ?? "missing"} but {key} is {port}";
        }

        if (container.Pod.Metadata.Annotations?.TryGetValue("prometheus.io/port", out var scraped) == true && scraped != port.ToString(CultureInfo.InvariantCulture))
        {
            yield return $"{container}: Prometheus is told to scrape port {scraped} but {key} is {port}";
        }

        if (container.Role != AppRole.Silo)
        {
            yield break;
        }

        foreach (var (name, probe) in new[] { ("startupProbe", container.Container.StartupProbe), ("livenessProbe", container.Container.LivenessProbe), ("readinessProbe", container.Container.ReadinessProbe) })
        {
            if (probe?.HttpGet?.Port?.Value is not { } asked || (asked != "management" && asked != port.ToString(CultureInfo.InvariantCulture)))
            {
                yield return $"{container}: the {name} does not ask the management port, the silo's only HTTP";
            }
        }
    }

    private static string? Setting(ContainerSettings container, string key) => container.Configuration().GetValueOrDefault(key);
}
