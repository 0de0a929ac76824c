using k8s.Models;

namespace HotlineGrains.Deploy.Tests;

/// <summary>
/// The manifests cannot drift from the code: each overlay is rendered with kubectl kustomize and
/// every hotline container's settings are checked against what its program reads and accepts.
/// </summary>
public sealed class ManifestSettingsTests
{
    public static TheoryData<string> Overlays => [.. Kustomize.Overlays];

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Every_container_sets_only_settings_its_program_reads_and_the_program_accepts_them(string overlay)
    {
        var containers = ContainerSettings.Of(overlay, Kustomize.Render(overlay));

        Assert.Contains(containers, c => c.Role == AppRole.Silo);
        Assert.Contains(containers, c => c.Role == AppRole.Gateway);
        var problems = await ManifestCheck.ProblemsAsync(containers);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [KubectlFact]
    public void The_known_settings_come_from_the_options_classes_of_each_program()
    {
        var silo = KnownSettings.For(AppRole.Silo);
        var gateway = KnownSettings.For(AppRole.Gateway);

        Assert.True(silo.Knows("Orleans:Kubernetes"));
        Assert.True(silo.Knows("Outbox:BatchSize"));
        Assert.True(silo.Knows("Reminders:ReminderRetryPeriod"));
        Assert.True(silo.Knows("Orleans:Membership:ProbeTimeout"));
        Assert.True(silo.Knows("POD_NAMESPACE"));
        Assert.False(silo.Knows("Auth:SigningKey"));
        Assert.False(silo.Knows("Orleans:Kubernetess"));
        Assert.True(gateway.Knows("Auth:SigningKey"));
        Assert.True(gateway.Knows("Auth:PreviousSigningKeys:1"));
        Assert.True(gateway.Knows("Cors:AllowedOrigins:0"));
        Assert.False(gateway.Knows("Auth:SigningKey:0"));
        Assert.False(gateway.Knows("POD_NAME"));
    }

    [KubectlFact]
    public async Task A_setting_no_program_reads_is_refused()
    {
        var objects = Kustomize.Render("production");
        Silo(objects).Spec.Template.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "Orleans__Kubernetess", Value = "true" });

        var problems = await ProblemsAsync("production", objects);

        Assert.Contains(problems, p => p.Contains("Orleans__Kubernetess sets Orleans:Kubernetess, which the Silo does not read", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_gateway_setting_given_to_a_silo_is_refused()
    {
        var objects = Kustomize.Render("dev");
        Silo(objects).Spec.Template.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "Demo__Enabled", Value = "false" });

        var problems = await ProblemsAsync("dev", objects);

        Assert.Contains(problems, p => p.Contains("Demo:Enabled, which the Silo does not read", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_value_the_program_refuses_at_start_is_refused()
    {
        var objects = Kustomize.Render("production");
        ConfigMap(objects, "hotline-gateway-settings").Data["Orleans__Role"] = "Cilent";
        Silo(objects).Spec.Template.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "Outbox__BatchSize", Value = "0" });

        var problems = await ProblemsAsync("production", objects);

        Assert.Contains(problems, p => p.Contains("Deployment hotline-gateway/gateway: the Gateway refuses its settings", StringComparison.Ordinal)
            && p.Contains("Orleans:Role must be Silo or Client", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Deployment hotline-silo/silo: the Silo refuses its settings", StringComparison.Ordinal)
            && p.Contains("BatchSize", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_value_of_the_wrong_type_is_refused()
    {
        var objects = Kustomize.Render("dev");
        ConfigMap(objects, "hotline-settings").Data["Orleans__SiloPort"] = "eleven";

        var problems = await ProblemsAsync("dev", objects);

        Assert.Contains(problems, p => p.Contains("Deployment hotline-silo/silo: the Silo refuses its settings", StringComparison.Ordinal)
            && p.Contains("SiloPort", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_short_signing_key_in_the_dev_secret_is_refused()
    {
        var objects = Kustomize.Render("dev");
        objects.OfType<V1Secret>().Single(s => s.Metadata.Name.StartsWith("hotline-secrets", StringComparison.Ordinal)).Data["signing-key"] = "short"u8.ToArray();

        var problems = await ProblemsAsync("dev", objects);

        Assert.Contains(problems, p => p.Contains("the Gateway refuses its settings", StringComparison.Ordinal) && p.Contains("SigningKey", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task Silo_pods_labelled_for_another_cluster_than_the_settings_say_are_refused()
    {
        var objects = Kustomize.Render("production");
        Silo(objects).Spec.Template.Metadata.Labels["orleans/clusterId"] = "hotline-blue";

        var problems = await ProblemsAsync("production", objects);

        Assert.Contains(problems, p => p.Contains("pod label orleans/clusterId is 'hotline-blue' but Orleans:ClusterId is 'hotline'", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_silo_without_the_pod_variables_Kubernetes_hosting_reads_is_refused()
    {
        var objects = Kustomize.Render("dev");
        var env = Silo(objects).Spec.Template.Spec.Containers[0].Env;
        env.Remove(env.Single(e => e.Name == "POD_NAMESPACE"));

        var problems = await ProblemsAsync("dev", objects);

        Assert.Contains(problems, p => p.Contains("POD_NAMESPACE is not set", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_grace_period_shorter_than_the_silo_needs_to_hand_over_is_refused()
    {
        var objects = Kustomize.Render("production");
        Silo(objects).Spec.Template.Spec.TerminationGracePeriodSeconds = 30;

        var problems = await ProblemsAsync("production", objects);

        Assert.Contains(problems, p => p.Contains("hotline-silo/silo: terminationGracePeriodSeconds 30 s does not cover", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_management_port_other_than_the_probes_and_Prometheus_ask_is_refused()
    {
        var objects = Kustomize.Render("production");
        ConfigMap(objects, "hotline-settings").Data["Management__Port"] = "9465";

        var problems = await ProblemsAsync("production", objects);

        Assert.Contains(problems, p => p.Contains("hotline-silo/silo: the container port named management is 9464 but Management:Port is 9465", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("hotline-silo/silo: Prometheus is told to scrape port 9464", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("hotline-gateway/gateway: the container port named management is 9464", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task A_silo_probed_elsewhere_than_on_its_management_port_is_refused()
    {
        var objects = Kustomize.Render("dev");
        Silo(objects).Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "orleans-gw" } };

        var problems = await ProblemsAsync("dev", objects);

        Assert.Contains(problems, p => p.Contains("hotline-silo/silo: the readinessProbe does not ask the management port", StringComparison.Ordinal));
    }

    private static async Task<List<string>> ProblemsAsync(string overlay, IReadOnlyList<object> objects) =>
        await ManifestCheck.ProblemsAsync(ContainerSettings.Of(overlay, objects));

    private static V1Deployment Silo(IEnumerable<object> objects) => objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "hotline-silo");

    private static V1ConfigMap ConfigMap(IEnumerable<object> objects, string generatedName) =>
        objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith(generatedName + "-", StringComparison.Ordinal));
}
