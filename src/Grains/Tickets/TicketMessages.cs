using HotlineGrains.Grains.Turns;
using Orleans;

namespace HotlineGrains.Grains.Tickets;

/// <summary>Agent → ticket: the agent went on leave or off shift; their delegate (代办人) takes the ticket over.</summary>
/// <param name="Actor">Who caused it (the user who set the presence or named the delegate); null in messages sent before it was carried, read as the agent.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record HandOverTicket(string FromAgent, string ToAgent, string Reason, string? Actor = null) : IGrainMessage;

/// <summary>Project → ticket: the calendar or SLA policy changed; recompute the clocks.</summary>
[GenerateSerializer]
public sealed record ServiceLevelsChanged : IGrainMessage;
