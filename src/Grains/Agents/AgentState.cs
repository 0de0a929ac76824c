using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>A hotline agent (坐席) as stored.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class AgentState
{
    /// <summary>Null until the agent is registered; tickets tracked before that are kept.</summary>
    public AgentProfile? Profile { get; set; }

    public Presence Presence { get; set; } = Presence.Offline;

    /// <summary>When the agent entered <see cref="Presence"/>; time in state is measured from it.</summary>
    public DateTimeOffset PresenceSince { get; set; }

    /// <summary>代办人: the agent who takes the open tickets over while this one is on leave or off shift.</summary>
    public string? Delegate { get; set; }

    public string? DelegateSetBy { get; set; }

    /// <summary>Tickets assigned to the agent and not yet closed or moved: ticket id → ticket number.</summary>
    public Dictionary<string, string> OpenTickets { get; set; } = [];

    /// <summary>
    /// The latest assignment heard of per ticket (tracked or released), so a late message of an
    /// earlier assignment is ignored. Released tickets are forgotten oldest first beyond a bound.
    /// </summary>
    public Dictionary<string, long> Assignments { get; set; } = [];

    /// <summary>Released tickets in the order they were released, to bound <see cref="Assignments"/>.</summary>
    public List<string> Released { get; set; } = [];

    /// <summary>The break being watched, while the agent is on one.</summary>
    public BreakWatch? BreakWatch { get; set; }

    /// <summary>Recent presence changes, newest last.</summary>
    public List<PresenceChange> PresenceLog { get; set; } = [];

    /// <summary>Tickets handed to the delegate, newest last.</summary>
    public List<TicketHandOver> HandOvers { get; set; } = [];

    /// <summary>Time at work by presence per local day of the home project, oldest first (off shift is not kept); the time in the current presence is added when it ends.</summary>
    public List<AgentDay> Days { get; set; } = [];
}

/// <summary>
/// The break that started at <see cref="OnBreakSince"/>, with the limit read when it began (a
/// limit changed meanwhile applies from the next break). <see cref="Alerted"/> once the
/// supervisor was told, so a repeated firing tells them nothing new. <see cref="BreakDate"/>: the
/// home project's day the break began on, which counts it if it runs over (null for a break begun
/// before days were kept).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record BreakWatch(DateTimeOffset OnBreakSince, TimeSpan Limit, bool Alerted = false, DateOnly? BreakDate = null);

/// <summary>One presence change: <see cref="Lasted"/> is how long the agent had been in <see cref="From"/>.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record PresenceChange(Presence From, Presence To, DateTimeOffset At, TimeSpan Lasted, string Actor);

/// <summary>A ticket sent to the delegate when the agent went on leave or off shift.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record TicketHandOver(string TicketId, string TicketNumber, string ToAgent, DateTimeOffset At, string Reason);
