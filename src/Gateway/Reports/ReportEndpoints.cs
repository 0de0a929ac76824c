using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Reports;
using HotlineGrains.Silo;
using Microsoft.Net.Http.Headers;
using Orleans;

namespace HotlineGrains.Gateway.Reports;

/// <summary>
/// <c>GET /api/reports/{period}</c> (issue 12): a day, an ISO week, a month or a range of dates, in
/// each project's time zone, over the projects the caller may see (or one, <c>project=</c>), for a
/// department or a receiving agent. JSON by default; <c>Accept: text/csv</c> or the XLSX media type
/// gives the same tables as a file.
/// </summary>
internal static class ReportEndpoints
{
    private static readonly string[] Known = ["project", "department", "agent", "from", "to"];

    /// <summary>Agents listed in one report at most: a large operator's 400 and room to grow.</summary>
    private const int MaxAgents = 2000;

    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags(ApiDocument.Reports).RequireRateLimiting(SecurityExtensions.ReadsLimit);
        Describe(reports.MapGet("/day/{date}", (string date, HttpContext http, IGrainFactory grains, IReadModels readModels, ITicketFactsReport facts, CancellationToken ct) =>
            Answer(ReportPeriod.Day(date), http, grains, readModels, facts, ct)), "GetDayReport", "Statistics of one service day (date=2026-11-03): the daily summary's numbers and more.");
        Describe(reports.MapGet("/week/{week}", (string week, HttpContext http, IGrainFactory grains, IReadModels readModels, ITicketFactsReport facts, CancellationToken ct) =>
            Answer(ReportPeriod.Week(week), http, grains, readModels, facts, ct)), "GetWeekReport", "Statistics of an ISO week (week=2026-W45, Monday to Sunday).");
        Describe(reports.MapGet("/month/{month}", (string month, HttpContext http, IGrainFactory grains, IReadModels readModels, ITicketFactsReport facts, CancellationToken ct) =>
            Answer(ReportPeriod.Month(month), http, grains, readModels, facts, ct)), "GetMonthReport", "Statistics of a month (month=2026-11).");
        Describe(reports.MapGet("/range", (string? from, string? to, HttpContext http, IGrainFactory grains, IReadModels readModels, ITicketFactsReport facts, CancellationToken ct) =>
            Answer(ReportPeriod.Range(from, to), http, grains, readModels, facts, ct)), "GetRangeReport", $"Statistics from one date to another, both included (at most {ReportPeriod.MaxRangeDays} days).");
        return api;
    }

    private static void Describe(RouteHandlerBuilder endpoint, string name, string summary) => endpoint
        .WithName(name).WithSummary(summary)
        .WithDescription("Filters: project (one of the caller's projects; default all of them), department, agent (the receiving agent). " +
            "Accept: application/json (default), text/csv, or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (one sheet per table).")
        .Produces<Report>().Produces(200, contentType: ReportExport.CsvType).Produces(200, contentType: ReportExport.XlsxType)
        .ProducesValidationProblem().ProducesProblem(404);

    private static async Task<IResult> Answer((ReportPeriod? Period, IResult? Problem) parsed, HttpContext http, IGrainFactory grains, IReadModels readModels, ITicketFactsReport ticketFacts, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(http);
        var query = http.Request.Query;
        var check = new Check();
        foreach (var unknown in query.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            check.That(false, unknown, $"Unknown query parameter; use {string.Join(", ", Known)}.");
        }

        if (parsed.Period is { Kind: not "range" })
        {
            foreach (var rangeOnly in new[] { "from", "to" }.Where(query.ContainsKey))
            {
                check.That(false, rangeOnly, "Only a range (/api/reports/range) takes from and to.");
            }
        }

        var project = Single(query, "project", check);
        var department = Single(query, "department", check);
        var agent = Single(query, "agent", check);
        check.Text("department", department, 40, required: department is not null).Text("agent", agent, 40, required: agent is not null);

        // Outside the caller's projects a project does not exist (404), whatever else is wrong.
        if (project is not null && (Keys.Invalid("project", project) is null) && !caller.Sees(project))
        {
            return Problems.NotFound("Project", project);
        }

        if (project is not null && Keys.Invalid("project", project) is { } badProject)
        {
            return badProject;
        }

        if (check.Failed)
        {
            return check.Problem();
        }

        if (parsed.Problem is not null)
        {
            return parsed.Problem;
        }

        var period = parsed.Period!;
        var projectIds = project is not null ? [project] : await CallersProjects(caller, readModels, cancellationToken);
        var spans = new List<ProjectSpan>();
        var days = new List<(string Project, DayStats Day)>();
        var reported = new List<string>();
        foreach (var id in projectIds)
        {
            var (settings, missing) = await Projects.ProjectEndpoints.Find(id, grains, cancellationToken);
            if (settings is null)
            {
                if (project is not null)
                {
                    return missing!;
                }

                continue;
            }

            reported.Add(id);
            spans.Add(new ProjectSpan(id, settings.Calendar.StartOf(period.From), settings.Calendar.StartOf(period.To.AddDays(1))));
            foreach (var day in await grains.GetGrain<IProjectGrain>(id).GetDays(period.From, period.To))
            {
                days.Add((id, day));
            }
        }

        var tickets = await ticketFacts.CountAsync(new TicketFactsQuery(spans) { Department = department, Agent = agent }, cancellationToken);
        var agents = await Agents(period, reported, department, agent, grains, readModels, http.RequestServices.GetRequiredService<TimeProvider>(), cancellationToken);
        var narrowed = department is not null || agent is not null;
        var report = new Report(
            period, reported, department, agent,
            tickets,
            narrowed ? null : ReportFigures.Activity([.. days.Select(d => d.Day)]),
            narrowed ? [] : [.. days.OrderBy(d => d.Day.Date).ThenBy(d => d.Project, StringComparer.Ordinal).Select(d => new DayRow(
                d.Project, d.Day.Date, d.Day.TicketsReceived, d.Day.TicketsClosed, d.Day.CallsOffered, d.Day.CallsAnswered, d.Day.CallsAbandoned,
                d.Day.CallsAnswered + d.Day.CallsAbandoned == 0 ? null : (double)d.Day.CallsAnswered / (d.Day.CallsAnswered + d.Day.CallsAbandoned)))],
            agents);
        return Negotiate(http, report);
    }

    /// <summary>
    /// The agents listed under each reported project (their home project, as on the floor, so an
    /// agent serving several projects is counted once), with their days and the calls the
    /// switch says they answered in any reported project.
    /// </summary>
    private static async Task<IReadOnlyList<AgentRow>> Agents(
        ReportPeriod period, IReadOnlyList<string> projects, string? department, string? agent,
        IGrainFactory grains, IReadModels readModels, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            foreach (var (agentId, calls) in await grains.GetGrain<IProjectGrain>(project).GetCallsAnsweredByAgent(period.From, period.To))
            {
                answered[agentId] = answered.GetValueOrDefault(agentId) + calls;
            }
        }

        var listed = await readModels.QueryAsync<AgentFloorRow>(
            new ReadModelQuery(AgentGrain.FloorModel, [.. projects]) { Limit = MaxAgents }, cancellationToken);
        var chosen = listed.Items
            .Where(a => (department is null || a.Departments.Contains(department)) && (agent is null || a.Id == agent))
            .OrderBy(a => a.WorkNumber, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
            .ToList();
        var rows = await Task.WhenAll(chosen.Select(async a => ReportFigures.Agent(
            a, a.Projects[0], await grains.GetGrain<IAgentGrain>(a.Id).GetDays(period.From, period.To, now), answered.GetValueOrDefault(a.Id))));
        return rows;
    }

    private static IResult Negotiate(HttpContext http, Report report)
    {
        var accepted = http.Request.GetTypedHeaders().Accept;
        bool Wants(string type) => accepted.Any(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase));
        var name = $"report-{report.Period.Kind}-{report.Period.Label.Replace("..", "_", StringComparison.Ordinal)}";
        if (Wants(ReportExport.XlsxType))
        {
            return TypedResults.File(ReportExport.Xlsx(report), ReportExport.XlsxType, name + ".xlsx");
        }

        if (Wants(ReportExport.CsvType))
        {
            return TypedResults.File(ReportExport.Csv(report), ReportExport.CsvType + "; charset=utf-8", name + ".csv");
        }

        return TypedResults.Ok(report);
    }

    private static async Task<IReadOnlyList<string>> CallersProjects(Caller caller, IReadModels readModels, CancellationToken cancellationToken)
    {
        var page = await readModels.QueryAsync<ProjectListItem>(
            new ReadModelQuery(ProjectGrain.ProjectsModel, [ProjectGrain.ProjectsScope]) { Ascending = true, Limit = 1000 }, cancellationToken);
        return [.. page.Items.Where(p => caller.Sees(p.Id)).Select(p => p.Id).Order(StringComparer.Ordinal)];
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
}
