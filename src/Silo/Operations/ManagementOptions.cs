using System.ComponentModel.DataAnnotations;

namespace HotlineGrains.Silo.Operations;

/// <summary>
/// The management port: where a Prometheus scraper reads <c>/metrics</c> (and, on a headless silo,
/// the kubelet asks <c>/healthz</c> and <c>/readyz</c>), apart from the API port so that the
/// figures are reachable inside the cluster only (the network policy admits the API port alone
/// from outside). 0: no management port, no scrape endpoint; a headless silo then serves no HTTP.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    [Range(0, 65535, ErrorMessage = "Management:Port must be between 0 and 65535.")]
    public int Port { get; set; } = 9464;
}

/// <summary>
/// Which node a process is, to its operator: the service name its telemetry carries, and whether
/// it serves the API beside the management port.
/// </summary>
public sealed record HotlineNode(string ServiceName, bool ServesApi)
{
    /// <summary>The gateway: the API on its HTTP addresses (health there too, for the probes), <c>/metrics</c> on the management port.</summary>
    public static readonly HotlineNode Gateway = new("hotline-gateway", ServesApi: true);

    /// <summary>The headless silo: it has no API, so health and <c>/metrics</c> are on the management port alone.</summary>
    public static readonly HotlineNode HeadlessSilo = new("hotline-silo", ServesApi: false);
}
