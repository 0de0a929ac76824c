using System.Globalization;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>
/// The open-ticket list's query string: <c>status, severity, department, agent, risk, sort, page,
/// pageSize</c>. <c>-</c> for department or agent asks for tickets without one. Every bad value is
/// a 400 naming its parameter.
/// </summary>
internal static class OpenTicketQueryString
{
    public const int MaxPageSize = 200;

    private static readonly string[] Known = ["status", "severity", "department", "agent", "risk", "sort", "page", "pageSize"];

    private static readonly Dictionary<string, OpenTicketRisk> Risks = new(StringComparer.Ordinal)
    {
        ["at-risk"] = OpenTicketRisk.AtRisk,
        ["breached"] = OpenTicketRisk.Breached,
        ["any"] = OpenTicketRisk.AtRiskOrBreached,
    };

    private static readonly Dictionary<string, OpenTicketOrder> Orders = new(StringComparer.Ordinal)
    {
        ["deadline"] = OpenTicketOrder.Deadline,
        ["received"] = OpenTicketOrder.Received,
        ["severity"] = OpenTicketOrder.Severity,
    };

    private static readonly string[] OpenStatuses =
        [.. Enum.GetNames<TicketStatus>().Where(s => s is not (nameof(TicketStatus.Closed) or nameof(TicketStatus.Pending)))];

    /// <param name="departments">The project's departments, or null when the list spans several projects.</param>
    public static (OpenTicketQuery Query, int Page, int PageSize, IResult? Problem) Parse(
        IQueryCollection query, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string>? departments)
    {
        var check = new Check();
        foreach (var unknown in query.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            check.That(false, unknown, $"Unknown query parameter; use {string.Join(", ", Known)}.");
        }

        var status = Single(query, "status", check);
        check.That(status is null || OpenStatuses.Contains(status, StringComparer.Ordinal), "status", $"An open status: {string.Join(", ", OpenStatuses)}.");
        var severity = Single(query, "severity", check);
        check.That(severity is null || Enum.GetNames<Severity>().Contains(severity, StringComparer.Ordinal), "severity", $"One of: {string.Join(", ", Enum.GetNames<Severity>())}.");
        var department = Single(query, "department", check);
        if (department is not null and not OpenTicketQuery.Unassigned)
        {
            if (departments is null)
            {
                check.Text("department", department, 40);
            }
            else
            {
                check.OneOf("department", department, departments);
            }
        }

        var agent = Single(query, "agent", check);
        check.That(agent is null or OpenTicketQuery.Unassigned || Keys.IsValid(agent), "agent", "An agent id (lower-case letters, digits and dashes), or - for tickets without one.");
        var risk = Single(query, "risk", check);
        check.That(risk is null || Risks.ContainsKey(risk), "risk", $"One of: {string.Join(", ", Risks.Keys)}.");
        var sort = Single(query, "sort", check);
        check.That(sort is null || Orders.ContainsKey(sort), "sort", $"One of: {string.Join(", ", Orders.Keys)}.");
        var page = Number(query, "page", 1, 1, 100_000, check);
        var pageSize = Number(query, "pageSize", 50, 1, MaxPageSize, check);
        if (check.Failed)
        {
            return (new OpenTicketQuery(scopes), page, pageSize, check.Problem());
        }

        return (new OpenTicketQuery(scopes)
        {
            Status = status,
            Severity = severity,
            Department = department,
            Agent = agent,
            Risk = risk is null ? null : Risks[risk],
            Order = sort is null ? OpenTicketOrder.Deadline : Orders[sort],
            Offset = (page - 1) * pageSize,
            Limit = pageSize,
        }, page, pageSize, null);
    }

    private static string? Single(IQueryCollection query, string name, Check check)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        check.That(values.Count == 1, name, "Give it once.");
        return values[0];
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
