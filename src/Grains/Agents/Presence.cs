using System.Text.Json.Serialization;

namespace HotlineGrains.Grains.Agents;

/// <summary>An agent's state on the floor (SPEC §5). Every change is timed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Presence>))]
public enum Presence
{
    /// <summary>Off shift (下班): not taking calls.</summary>
    Offline,

    /// <summary>示闲: ready for the next call.</summary>
    Available,

    /// <summary>通话中: talking to a customer.</summary>
    OnCall,

    /// <summary>话后处理: writing up the call just ended.</summary>
    WrapUp,

    /// <summary>小休: away from the seat for a short while; longer than the project's limit alerts the supervisor (seed 002).</summary>
    Break,

    /// <summary>请假: away for the day or longer.</summary>
    Leave,
}
