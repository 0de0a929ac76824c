using System.Diagnostics;

namespace HotlineGrains.Grains.Turns;

/// <summary>
/// The trace a grain call runs in when no caller's trace came with it (a reminder's firing: Orleans'
/// reminder service calls without one), so its log lines have a trace id like every other call's.
/// </summary>
public static class GrainTraces
{
    public const string SourceName = "HotlineGrains.Grains";

    internal static readonly ActivitySource Source = new(SourceName);
}
