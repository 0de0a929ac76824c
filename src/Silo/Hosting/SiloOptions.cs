using System.ComponentModel.DataAnnotations;

namespace HotlineGrains.Silo;

/// <summary>How turns run. Section <c>Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    public static readonly TimeSpan DefaultIdleActivationTimeout = TimeSpan.FromMinutes(10);
    public const int DefaultMaxTurnAttempts = 50;

    /// <summary>How a turn keeps other nodes out: see <see cref="TurnConcurrency"/>.</summary>
    public TurnConcurrency Concurrency { get; set; } = TurnConcurrency.Optimistic;

    /// <summary>An activation (the cached state of a grain) unused this long is dropped, so memory stays bounded.</summary>
    public TimeSpan IdleActivationTimeout { get; set; } = DefaultIdleActivationTimeout;

    /// <summary>A turn that keeps losing races is given up after this many attempts (the caller sees a conflict).</summary>
    [Range(1, 10_000)]
    public int MaxTurnAttempts { get; set; } = DefaultMaxTurnAttempts;
}

public enum TurnConcurrency
{
    /// <summary>
    /// Run the turn on the cached state and write it only if the stored version is unchanged; a
    /// turn that lost the race re-runs once more under the row lock.
    /// </summary>
    Optimistic,

    /// <summary>Read and lock the grain's row first (<c>SELECT … FOR UPDATE</c>), so a second node waits instead of re-running.</summary>
    RowLock,
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

/// <summary>How reminders (and grain messages) are fired. Section <c>Reminders</c>.</summary>
public sealed class ReminderOptions
{
    public const string Section = "Reminders";

    /// <summary>
    /// Longest a node waits before looking for due reminders again. A node wakes at once for its own
    /// registrations; this bounds how late it notices one registered by another node.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Due reminders fetched per look.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Firings run at once on one node.</summary>
    [Range(1, 1_000)]
    public int Parallelism { get; set; } = 8;

    /// <summary>A firing whose grain threw is tried again after this delay.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Turn reminder firing off on this node (for tests that fire by hand, or gateway-only nodes).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>How committed events leave for the bus. Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Longest the relay waits before looking for events committed by other nodes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a node that does not hold the relay lease asks for it again.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

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
}
