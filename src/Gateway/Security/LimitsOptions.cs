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

    /// <summary>
    /// Bulk reads (the register, its CSV, the customer directory, the audit trail) and wallboard
    /// joins per caller: a supervisor's screen reads a page every few seconds; a token scraping the
    /// register or hammering Join is stopped long before it loads the database.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ReadsPerMinute { get; set; } = 600;
}
