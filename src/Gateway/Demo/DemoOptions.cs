namespace HotlineGrains.Gateway.Demo;

/// <summary>Demo data for the embedded default. Section <c>Demo</c>; off unless set.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the three projects of the seed regulation.</summary>
    public bool Enabled { get; set; }

    /// <summary>With <see cref="Enabled"/>: also agents, customers and tickets in several states, so the floor is alive.</summary>
    public bool Floor { get; set; } = true;

    /// <summary>With <see cref="Enabled"/>: a simulated phone switch rings the seed projects, so the floor's call figures move.</summary>
    public bool CallSimulator { get; set; } = true;
}
