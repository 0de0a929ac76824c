using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Agents;

/// <summary>A hotline agent (坐席), keyed by their user id (e.g. <c>agent-gc-1</c>).</summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Registers the agent, or replaces the profile of a registered one (presence and tickets stay).</summary>
    Task<AgentView> Register(AgentProfile profile);

    /// <summary>Records a presence change and publishes it; the presence the agent is already in changes nothing.</summary>
    Task<AgentView> SetPresence(Presence to, string actor);

    /// <summary>
    /// Sets the delegate (代办人), or clears it with null; an agent already away hands their open tickets over at once.
    /// The delegate must be a registered agent serving every project of this agent (else <see cref="Calendars.AgentValidationException"/> on <c>delegate</c>).
    /// </summary>
    Task<AgentView> SetDelegate(string? delegateAgentId, string actor);

    /// <summary>The agent as seen at <paramref name="now"/>; null if not registered.</summary>
    [AlwaysInterleave]
    Task<AgentView?> GetView(DateTimeOffset now);

    [AlwaysInterleave]
    Task<bool> IsRegistered();

    /// <summary>On leave or off shift: tickets reaching the agent should go to the delegate.</summary>
    [AlwaysInterleave]
    Task<bool> IsAway();

    [AlwaysInterleave]
    Task<IReadOnlyList<PresenceChange>> GetPresenceLog();

    [AlwaysInterleave]
    Task<IReadOnlyList<TicketHandOver>> GetHandOvers();

    /// <summary>
    /// The agent's days from <paramref name="from"/> to <paramref name="to"/> (local days of the home
    /// project), the time in the current presence counted up to <paramref name="now"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AgentDay>> GetDays(DateOnly from, DateOnly to, DateTimeOffset now);
}
