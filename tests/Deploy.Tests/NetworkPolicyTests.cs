using k8s.Models;

namespace HotlineGrains.Deploy.Tests;

/// <summary>
/// Who may reach the management ports of gateways and silos, read from the rendered network
/// policies: the management port carries the metrics (and would carry anything else added there),
/// so only Prometheus reaches it.
/// </summary>
public sealed class NetworkPolicyTests
{
    [KubectlTheory]
    [InlineData("dev", "gateway")]
    [InlineData("production", "gateway")]
    [InlineData("dev", "silo")]
    [InlineData("production", "silo")]
    public void Only_Prometheus_in_the_monitoring_namespace_reaches_the_management_port(string overlay, string component)
    {
        var objects = Kustomize.Render(overlay);
        var workload = objects.OfType<V1Deployment>().Single(d => Component(d.Spec.Template.Metadata.Labels) == component);
        var management = workload.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).Single(p => p.Name == "management").ContainerPort;

        var admitting = objects.OfType<V1NetworkPolicy>()
            .Where(p => Selects(p.Spec.PodSelector, workload.Spec.Template.Metadata.Labels))
            .SelectMany(p => p.Spec.Ingress ?? [])
            .Where(rule => rule.Ports is null || rule.Ports.Any(p => p.Port?.Value == management.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        var rule = Assert.Single(admitting);
        var from = Assert.Single(rule.FromProperty);
        Assert.Equal("monitoring", from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("prometheus", from.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Null(from.IpBlock);
    }

    private static string? Component(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue("app.kubernetes.io/component", out var component) ? component : null;

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && (selector.MatchExpressions is null || selector.MatchExpressions.Count == 0);
}
