namespace HotlineGrains.Grains.Calendars;

/// <summary>
/// One thing wrong with a piece of project configuration (a service calendar, an SLA policy),
/// named by the JSON path of the offending field so the API can answer 400 pointing at it.
/// </summary>
/// <param name="Field">JSON path in the camelCase the REST API uses, e.g. <c>weeklyHours[2].end</c>.</param>
/// <param name="Message">What is wrong, in words a supervisor understands.</param>
public sealed record ValidationProblem(string Field, string Message)
{
    /// <summary>The same problem, seen from a containing document (<c>calendar</c> + <c>timeZone</c> → <c>calendar.timeZone</c>).</summary>
    public ValidationProblem Under(string parent) =>
        string.IsNullOrEmpty(parent) ? this : this with { Field = Field.StartsWith('[') ? parent + Field : $"{parent}.{Field}" };
}
