namespace HotlineGrains.Silo;

/// <summary>
/// Who read or changed which ticket, customer or other resource, when and from where (SPEC §8).
/// Entries are plain inserts beside the grains, not grain turns: recording a read must not take a
/// grain's turn, and the trail outlives the grains it mentions.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Stores one entry. The instant is kept to the millisecond, so both providers agree.</summary>
    Task RecordAsync(AuditEntry entry, CancellationToken ct = default);

    /// <summary>The entries matching every given filter, newest first, with the total before paging.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct = default);
}

/// <param name="At">When it happened; read back in UTC, to the millisecond.</param>
/// <param name="User">The caller's id.</param>
/// <param name="Action">What was done: <c>read</c>, <c>change:forward</c>, <c>export</c>, …</param>
/// <param name="ResourceType"><c>ticket</c>, <c>customer</c>, <c>register</c> or <c>agent</c>.</param>
/// <param name="ResourceId">The resource's key within its type.</param>
/// <param name="ProjectId">The project the resource belongs to, when it belongs to one; an admin's filter.</param>
/// <param name="From">The client's address.</param>
/// <param name="Outcome"><c>ok</c>, <c>not-found</c>, <c>denied</c>, …: refused attempts are part of the trail too.</param>
/// <param name="Detail">Free text, such as which fields changed.</param>
public sealed record AuditEntry(
    DateTimeOffset At,
    string User,
    string Action,
    string ResourceType,
    string ResourceId,
    string? ProjectId,
    string? From,
    string Outcome,
    string? Detail = null);

/// <summary>An entry as stored, with the id the store gave it.</summary>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset At,
    string User,
    string Action,
    string ResourceType,
    string ResourceId,
    string? ProjectId,
    string? From,
    string Outcome,
    string? Detail)
{
    /// <summary>The entry as it was recorded (a method, so it is not serialised twice).</summary>
    public AuditEntry ToEntry() => new(At, User, Action, ResourceType, ResourceId, ProjectId, From, Outcome, Detail);
}

/// <summary>
/// Entries matching every filter that is set (null: any), with <see cref="AuditEntry.At"/> in
/// [<see cref="From"/>, <see cref="To"/>), newest first.
/// </summary>
public sealed record AuditQuery
{
    public string? ResourceType { get; init; }

    public string? ResourceId { get; init; }

    public string? User { get; init; }

    public string? ProjectId { get; init; }

    /// <summary>Earliest instant included.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>First instant no longer included, so consecutive ranges do not overlap.</summary>
    public DateTimeOffset? To { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; } = 50;
}

public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, int Total);
