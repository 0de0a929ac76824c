using System.ComponentModel.DataAnnotations;

namespace HotlineGrains.Silo;

/// <summary>
/// How this process takes part in the Orleans cluster. Section <c>Orleans</c>.
/// </summary>
public sealed class HotlineClusterOptions
{
    public const string Section = "Orleans";
    public const string SiloRole = "Silo";
    public const string ClientRole = "Client";
    public const string Localhost = "Localhost";
    public const string AdoNet = "AdoNet";

    /// <summary>
    /// <c>Silo</c> (default: hosts grains; the gateway co-hosts one) or <c>Client</c> (a gateway that
    /// only calls the silos of the cluster, so screens and grains scale apart).
    /// </summary>
    [Required]
    [RegularExpression("^(Silo|Client)$", ErrorMessage = "Orleans:Role must be Silo or Client.")]
    public string Role { get; set; } = SiloRole;

    /// <summary>
    /// How silos find each other: <c>Localhost</c> (one silo, the embedded default) or <c>AdoNet</c>
    /// (membership in the PostgreSQL database). Default: <c>Localhost</c> on SQLite, <c>AdoNet</c> on PostgreSQL.
    /// Not <c>Orleans:Clustering</c>: Orleans reads that key itself, as a provider section.
    /// </summary>
    [RegularExpression("^(Localhost|AdoNet)$", ErrorMessage = "Orleans:ClusteringMode must be Localhost or AdoNet.")]
    public string? ClusteringMode { get; set; }

    /// <summary>The cluster's id: silos and clients with the same one form one cluster.</summary>
    [Required]
    public string ClusterId { get; set; } = "hotline";

    /// <summary>The service's id, which grain state and reminders are stored under; stable across deployments.</summary>
    [Required]
    public string ServiceId { get; set; } = "hotline";

    /// <summary>Port silos talk to each other on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (gateways in client mode) connect to; 0 to accept none.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; by default this host's first address (127.0.0.1 with localhost clustering).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Serve the Orleans dashboard (grains, calls, silos, reminders): its parts run in every silo and
    /// client, and a gateway shows it at <c>/dashboard</c> to admins.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// How often a gateway in client mode reads the cluster's silos from the membership table. Orleans'
    /// default, a minute, leaves a client knowing only silos that are gone when a rolling upgrade
    /// replaces them all within that minute: its requests then wait until the next read.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Orleans:GatewayListRefreshPeriod must be between 1 second and 5 minutes.")]
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Run as a silo pod on Kubernetes (<c>Microsoft.Orleans.Hosting.Kubernetes</c>): the silo is named
    /// after its pod, advertises the pod's IP, listens on every address, and silos whose pods are gone
    /// are declared dead at once rather than after missed probes. Needs the <c>POD_NAME</c>,
    /// <c>POD_NAMESPACE</c> and <c>POD_IP</c> environment variables and a service account that may read,
    /// watch and delete the namespace's pods (k8s/base). Off by default; only a silo uses it.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>A grain unused this long is deactivated, so memory stays bounded.</summary>
    public TimeSpan IdleActivationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether this process hosts grains.</summary>
    public bool IsSilo => Role == SiloRole;
}

/// <summary>Where grains are stored. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string DefaultSqliteConnectionString = "Data Source=hotline.db";

    /// <summary><c>Sqlite</c> (embedded default, one process) or <c>Postgres</c> (production, many nodes).</summary>
    [Required]
    [RegularExpression("^(Sqlite|Postgres)$", ErrorMessage = "Storage:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>ADO.NET connection string for the provider; SQLite defaults to <c>hotline.db</c> in the working directory.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>How stored events and grain messages leave the outbox. Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Longest the relay waits before looking for events committed by other nodes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a node that does not hold the relay lease asks for it again.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Grains (and event sources) served at once within a batch; one grain's rows always go one after another.</summary>
    [Range(1, 1_000)]
    public int Parallelism { get; set; } = 16;

    /// <summary>A grain message whose grain failed it is tried again after this.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Publish phone numbers in full. Off by default: events that carry a number
    /// (<see cref="Contracts.IHasPhoneNumbers"/>) leave masked (<c>138****5678</c>), as SPEC §8
    /// asks, and only a deployment whose integrations are granted full numbers turns this on. The
    /// outbox and grain state keep the full number either way.
    /// </summary>
    public bool FullPhoneNumbers { get; set; }
}

/// <summary>The message bus. Section <c>Bus</c>.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";
    public const string InMemory = "InMemory";
    public const string RabbitMq = "RabbitMq";

    /// <summary><c>InMemory</c> (embedded default) or <c>RabbitMq</c> (production).</summary>
    [Required]
    [RegularExpression("^(InMemory|RabbitMq)$", ErrorMessage = "Bus:Transport must be InMemory or RabbitMq.")]
    public string Transport { get; set; } = InMemory;

    /// <summary>AMQP URI of the broker, e.g. <c>amqp://user:password@rabbit:5672/hotline</c>.</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// How long the outbox relay waits for the broker to take one event before it takes the broker
    /// for gone and connects afresh on its next try (RabbitMQ only): the bus's own reconnect backs
    /// off to 30 s, so without this events resumed up to half a minute after the broker was back.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Bus:PublishTimeout must be between 00:00:01 and 00:05:00.")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the outbox relay waits for a fresh connection to the broker (RabbitMQ only). While
    /// the broker is away every try takes this long and the relay tries again half a second later,
    /// so the first event after its return leaves within about this plus a connection: it must
    /// stay well under the 5 s the hotline promises, and above a healthy broker's connect time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00", ErrorMessage = "Bus:ConnectTimeout must be between 00:00:00.500 and 00:01:00.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
