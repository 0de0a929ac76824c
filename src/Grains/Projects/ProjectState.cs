namespace HotlineGrains.Grains.Projects;

/// <summary>A managed property (项目) as stored.</summary>
public sealed class ProjectState
{
    public ProjectProfile? Profile { get; set; }

    /// <summary>The service day (project time) <see cref="LastSequence"/> counts in.</summary>
    public DateOnly? SequenceDate { get; set; }

    /// <summary>Last ticket sequence number handed out on <see cref="SequenceDate"/>.</summary>
    public int LastSequence { get; set; }
}

/// <summary>What identifies a project to customers and in ticket numbers.</summary>
/// <param name="Name">Display name, e.g. 维邦奥林花园.</param>
/// <param name="Greeting">What the agent says on answering.</param>
/// <param name="TimeZone">IANA time zone the project's service day runs in.</param>
/// <param name="TicketPrefix">Leading part of the project's ticket numbers.</param>
public sealed record ProjectProfile(string Name, string Greeting, string TimeZone, string TicketPrefix)
{
    public const string DefaultTimeZone = "Asia/Shanghai";
}
