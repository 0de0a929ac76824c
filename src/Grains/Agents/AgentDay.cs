using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>
/// One day of an agent's time (the home project's local day): how long they were in each
/// presence, how many breaks they took and how many ran past the project's limit. Kept as the
/// presence changes, so a report over a month reads 30 of these per agent, not the change log.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class AgentDay
{
    public DateOnly Date { get; set; }

    /// <summary>Time in each presence that day; a presence never entered has no entry.</summary>
    public Dictionary<Presence, TimeSpan> Time { get; set; } = [];

    /// <summary>Breaks begun that day.</summary>
    public int Breaks { get; set; }

    /// <summary>Breaks begun that day that ran past the project's limit (the supervisor was alerted).</summary>
    public int BreaksOverLimit { get; set; }

    public void Add(Presence presence, TimeSpan time) => Time[presence] = Time.GetValueOrDefault(presence) + time;

    /// <summary>A copy to hand out of the grain: the state's own object changes with the next turn.</summary>
    public AgentDay Copy() => new() { Date = Date, Time = new(Time), Breaks = Breaks, BreaksOverLimit = BreaksOverLimit };
}
