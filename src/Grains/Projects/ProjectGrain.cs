using System.Globalization;
using HotlineGrains.Contracts;
using HotlineGrains.Silo;

namespace HotlineGrains.Grains.Projects;

/// <summary>
/// A managed property. Owns the project's ticket number sequence: numbers are
/// <c>{PREFIX}-{yyyyMMdd}-{seq:0000}</c>, counted per service day in the project's time zone,
/// never handed out twice and never skipped (SPEC §3).
/// </summary>
[GrainType("project")]
public sealed class ProjectGrain : Grain<ProjectState>
{
    public ProjectProfile? Profile => State.Profile;

    public Task<ProjectProfile> Configure(ProjectProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _ = TimeZoneInfo.FindSystemTimeZoneById(profile.TimeZone);
        State.Profile = profile;
        return Task.FromResult(profile);
    }

    /// <summary>Hands out the next ticket number of the current service day.</summary>
    public Task<string> IssueTicketNumber(string actor)
    {
        var profile = State.Profile ?? throw new InvalidOperationException($"Project {Key} is not configured.");
        var localNow = TimeZoneInfo.ConvertTime(Turn.Now, TimeZoneInfo.FindSystemTimeZoneById(profile.TimeZone));
        var today = DateOnly.FromDateTime(localNow.DateTime);

        // A node whose clock lags could see yesterday just after midnight; the sequence never goes
        // back a day, or it would hand out yesterday's numbers again.
        if (State.SequenceDate is not { } current || today > current)
        {
            State.SequenceDate = today;
            State.LastSequence = 0;
        }

        State.LastSequence++;
        var day = State.SequenceDate.Value;
        var number = string.Create(CultureInfo.InvariantCulture, $"{profile.TicketPrefix}-{day:yyyyMMdd}-{State.LastSequence:0000}");
        Turn.Publish(new TicketNumberIssued(Guid.NewGuid(), Key, Turn.Now, actor, number, day, State.LastSequence));
        return Task.FromResult(number);
    }
}
