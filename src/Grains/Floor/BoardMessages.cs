using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// What a board hears of a change, sent with the change's turn (<see cref="ITurn.Send{TGrain}"/>):
/// stored in the outbox with the change and delivered at least once, in order per board. Each
/// carries the sender's stored version after the turn, so a repeat or an older copy changes nothing.
/// </summary>
public interface IBoardMessage : IGrainMessage
{
    /// <summary>The sending grain's version once the turn is stored (one more per stored turn).</summary>
    long Version { get; }
}

/// <summary>A ticket's row changed: what the board shows of it, and the instants its "today" counts need.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardTicketChanged(long Version, TicketOnBoard Ticket, DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt) : IBoardMessage
{
    public static BoardTicketChanged From(TicketRegisterRow row, long version)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(version, TicketOnBoard.From(row), row.ResolvedAt, row.ClosedAt);
    }
}

/// <summary>An agent's floor row changed. Sent to every project the agent serves or served before the change: a board whose project the row no longer names drops the agent.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardAgentChanged(long Version, AgentFloorRow Agent) : IBoardMessage;

/// <summary>
/// The project's line changed: calls ringing, the counters of its recent service days (yesterday
/// on, project time), the LineSilent alerts of the shown window; and its settings when they changed.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BoardLineChanged(
    long Version,
    int CallsWaiting,
    DateTimeOffset? LongestWaitingSince,
    IReadOnlyList<DayStats> Days,
    IReadOnlyList<DateTimeOffset> SilenceAlerts,
    ProjectSettings? Settings = null) : IBoardMessage;
