using System.Globalization;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>The register's query string: <c>status, kind, severity, assignee, department, from, to, page, pageSize</c>.</summary>
internal sealed record RegisterQuery(
    Dictionary<string, string> Filters,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Page,
    int PageSize,
    IResult? Problem)
{
    public const int MaxPageSize = 200;

    private static readonly string[] Known = ["status", "kind", "severity", "assignee", "department", "from", "to", "page", "pageSize"];

    public static RegisterQuery Parse(IQueryCollection query, ProjectSettings settings)
    {
        var check = new Check();
        foreach (var unknown in query.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            check.That(false, unknown, $"Unknown query parameter; use {string.Join(", ", Known)}.");
        }

        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        Enum<TicketStatus>(query, "status", "status", filters, check);
        Enum<TicketKind>(query, "kind", "kind", filters, check);
        Enum<Severity>(query, "severity", "severity", filters, check);
        if (Single(query, "assignee", check) is { } assignee)
        {
            check.Text("assignee", assignee, 40);
            filters["agent"] = assignee;
        }

        if (Single(query, "department", check) is { } department)
        {
            check.OneOf("department", department, settings.Departments);
            filters["department"] = department;
        }

        var from = Instant(query, "from", settings, check);
        var to = Instant(query, "to", settings, check);
        check.That(from is null || to is null || from < to, "to", "Must be after from.");
        var page = Number(query, "page", 1, 1, 100_000, check);
        var pageSize = Number(query, "pageSize", 50, 1, MaxPageSize, check);
        return new RegisterQuery(filters, from, to, page, pageSize, check.Failed ? check.Problem() : null);
    }

    public ReadModelQuery ToReadModelQuery(string projectId) => new(TicketGrain.RegisterModel, [projectId])
    {
        Filters = Filters,
        From = From,
        To = To,
        Offset = (Page - 1) * PageSize,
        Limit = PageSize,
    };

    private static string? Single(IQueryCollection query, string name, Check check)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        check.That(values.Count == 1, name, "Give it once.");
        return values[0];
    }

    private static void Enum<T>(IQueryCollection query, string name, string field, Dictionary<string, string> filters, Check check) where T : struct, Enum
    {
        if (Single(query, name, check) is not { } value)
        {
            return;
        }

        if (System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !value.Any(char.IsDigit))
        {
            filters[field] = parsed.ToString();
        }
        else
        {
            check.That(false, name, $"One of: {string.Join(", ", System.Enum.GetNames<T>())}.");
        }
    }

    /// <summary>An ISO 8601 instant, or a date (the start of that day in the project's time zone).</summary>
    private static DateTimeOffset? Instant(IQueryCollection query, string name, ProjectSettings settings, Check check)
    {
        if (Single(query, name, check) is not { } value)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 2000 and <= 2100)
        {
            return settings.Calendar.StartOf(date);
        }

        if (Check.TryParseInstant(value, out var instant))
        {
            return instant.ToUniversalTime();
        }

        check.That(false, name, "A date (2026-03-02) or an ISO 8601 instant with offset (2026-03-02T08:00:00+08:00), years 2000–2100.");
        return null;
    }

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max, Check check)
    {
        if (Single(query, name, check) is not { } value)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        check.That(false, name, $"A whole number from {min} to {max}.");
        return fallback;
    }
}
