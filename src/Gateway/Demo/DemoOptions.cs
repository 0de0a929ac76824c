namespace HotlineGrains.Gateway.Demo;

/// <summary>Demo data for the embedded default. Section <c>Demo</c>; off unless set.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }
}
