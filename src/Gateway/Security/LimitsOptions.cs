using System.ComponentModel.DataAnnotations;

namespace HotlineGrains.Gateway.Security;

/// <summary>Per-caller request limits (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>A busy agent records a ticket every minute or two; a burst far beyond that is a fault or an attack.</summary>
    [Range(1, 100_000)]
    public int IntakePerMinute { get; set; } = 60;

    /// <summary>A switch reports four events per call; a large center stays well under this.</summary>
    [Range(1, 1_000_000)]
    public int CallEventsPerMinute { get; set; } = 1200;
}
