using HotlineGrains.Grains.Calendars;
using Orleans;

namespace HotlineGrains.Grains.Agents;

/// <summary>Who an agent is (<c>PUT /api/agents/{id}</c>).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record AgentProfile
{
    /// <summary>工号: the only thing customers are told about the agent (seed 000 §七 5.9), e.g. <c>1001</c>.</summary>
    public required string WorkNumber { get; init; }

    public required string Name { get; init; }

    /// <summary>Project ids the agent answers for. The first is the agent's home project: its break limit applies and the floor lists the agent under it.</summary>
    public required IReadOnlyList<string> Projects { get; init; }

    /// <summary>Departments or skills the agent handles (工程, 收费, …), for routing and for supervisors.</summary>
    public IReadOnlyList<string> Departments { get; init; } = [];

    public string HomeProject => Projects[0];

    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(WorkNumber) || WorkNumber.Length > 16 || !WorkNumber.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add(new("workNumber", "1 to 16 letters or digits."));
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 32)
        {
            problems.Add(new("name", "1 to 32 characters."));
        }

        if (Projects is null || Projects.Count == 0)
        {
            problems.Add(new("projects", "At least one project."));
        }
        else
        {
            Entries(problems, "projects", Projects, 64);
        }

        if (Departments is null)
        {
            problems.Add(new("departments", "Required (may be empty)."));
        }
        else
        {
            Entries(problems, "departments", Departments, 32);
        }

        return problems;
    }

    private static void Entries(List<ValidationProblem> problems, string field, IReadOnlyList<string> values, int maxLength)
    {
        if (values.Count > 50)
        {
            problems.Add(new(field, "At most 50 entries."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i].Length > maxLength)
            {
                problems.Add(new($"{field}[{i}]", $"1 to {maxLength} characters."));
            }
            else if (!seen.Add(values[i]))
            {
                problems.Add(new($"{field}[{i}]", $"'{values[i]}' is listed twice."));
            }
        }
    }
}
