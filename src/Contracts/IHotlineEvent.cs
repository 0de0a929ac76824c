namespace HotlineGrains.Contracts;

/// <summary>
/// What every event published to integrators carries (SPEC §9). The event id doubles as the
/// bus message id, so a consumer that sees the same id twice can drop the second copy.
/// </summary>
public interface IHotlineEvent
{
    /// <summary>Stable id of this event; the same on every redelivery.</summary>
    Guid EventId { get; }

    /// <summary>Version of the record's shape; bumped when a field changes meaning or is removed.</summary>
    int SchemaVersion { get; }

    string ProjectId { get; }

    DateTimeOffset OccurredAt { get; }

    /// <summary>Who caused the change: a user id, or <c>system:…</c> for reminders and the runtime.</summary>
    string Actor { get; }
}
