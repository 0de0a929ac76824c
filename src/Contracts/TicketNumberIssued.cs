namespace HotlineGrains.Contracts;

/// <summary>
/// A project handed out a ticket number (<c>{PREFIX}-{yyyyMMdd}-{seq:0000}</c>). Numbers are
/// never reused and never skipped, so a gap in a consumer's sequence means a lost message.
/// <see cref="TicketId"/> is the ticket it was given to. It comes from the project, the ticket's own
/// events from the ticket: the two are in order each, not with each other.
/// </summary>
public sealed record TicketNumberIssued(
    Guid EventId,
    string ProjectId,
    DateTimeOffset OccurredAt,
    string Actor,
    string TicketId,
    string TicketNumber,
    DateOnly ServiceDate,
    int Sequence) : IHotlineEvent
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
}
