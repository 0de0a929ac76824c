using Orleans;

namespace HotlineGrains.Grains.Calendars;

/// <summary>
/// One thing wrong with a piece of project configuration (a service calendar, an SLA policy),
/// named by the JSON path of the offending field so the API can answer 400 pointing at it.
/// </summary>
/// <param name="Field">JSON path in the camelCase the REST API uses, e.g. <c>weeklyHours[2].end</c>.</param>
/// <param name="Message">What is wrong, in words a supervisor understands.</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ValidationProblem(string Field, string Message)
{
    /// <summary>The same problem, seen from a containing document (<c>calendar</c> + <c>timeZone</c> → <c>calendar.timeZone</c>).</summary>
    public ValidationProblem Under(string parent) =>
        string.IsNullOrEmpty(parent) ? this : this with { Field = Field.StartsWith('[') ? parent + Field : $"{parent}.{Field}" };
}

/// <summary>A change that fails validation; <see cref="Problems"/> name the fields (the API answers 400).</summary>
[GenerateSerializer]
public abstract class ValidationFailedException : Exception
{
    protected ValidationFailedException(string what, IReadOnlyList<ValidationProblem> problems)
        : base($"Invalid {what}: " + string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")))
    {
        Problems = problems;
    }

    [Id(0)]
    public IReadOnlyList<ValidationProblem> Problems { get; private set; }
}

/// <summary>Project settings that fail validation.</summary>
[GenerateSerializer]
public sealed class ProjectSettingsException(IReadOnlyList<ValidationProblem> problems) : ValidationFailedException("project settings", problems);

/// <summary>An agent change that fails validation.</summary>
[GenerateSerializer]
public sealed class AgentValidationException(IReadOnlyList<ValidationProblem> problems) : ValidationFailedException("agent", problems);

/// <summary>A customer change that fails validation.</summary>
[GenerateSerializer]
public sealed class CustomerValidationException(IReadOnlyList<ValidationProblem> problems) : ValidationFailedException("customer", problems);
