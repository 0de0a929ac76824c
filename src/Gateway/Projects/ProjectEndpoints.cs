using System.Globalization;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Projects;

internal static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        var projects = api.MapGroup(string.Empty).WithTags(ApiDocument.Projects);
        projects.MapGet("/projects", List).WithName("ListProjects").WithSummary("The projects (managed properties) the caller belongs to.").Produces<IReadOnlyList<ProjectListItem>>();
        projects.MapGet("/projects/{projectId}", Get).WithName("GetProject").WithSummary("A project's configuration.")
            .Produces<ProjectSettings>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        projects.MapPut("/projects/{projectId}", Put).WithName("ConfigureProject").InCallersProject()
            .WithSummary("Creates or replaces a project's configuration: greeting, calendar, SLA policy, departments, categories, forbidden phrases. Open tickets recompute their clocks.")
            .Accepts<ProjectSettings>("application/json").Produces<ProjectSettings>().ProducesValidationProblem().ProducesProblem(404);
        projects.MapGet("/projects/{projectId}/register.csv", RegisterCsv.Get).WithName("ExportRegisterCsv")
            .WithSummary("The complaint register (投诉登记表) as CSV (UTF-8 with BOM, opens in Excel with Chinese intact); from/to limit the received time.")
            .Produces(200, contentType: "text/csv").ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.ReadsLimit).Audited("register", "projectId", "export:csv");
        projects.MapGet("/projects/{projectId}/summaries/daily", DailySummary).WithName("GetDailySummary")
            .WithSummary("The summary produced at the end of a service day (date=yyyy-MM-dd, project time).")
            .Produces<DailySummary>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        projects.MapPost("/projects/{projectId}/calls", Call).WithName("RecordCallEvent")
            .WithSummary("A call event from the phone switch: ringing, answered, ended or abandoned, with its time.")
            .Accepts<CallEventRequest>("application/json").Produces(202).ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.CallEventsLimit);
        projects.MapGet("/projects/{projectId}/faults", Faults).WithName("ListFaults").WithSummary("Line fault records (故障记录).")
            .Produces<IReadOnlyList<FaultRecord>>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        projects.MapPost("/projects/{projectId}/faults", RecordFault).WithName("RecordFault")
            .WithSummary("Records a line fault: cause, start, and end once known.")
            .Accepts<FaultRequest>("application/json").Produces<FaultRecord>(201).ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        projects.MapPost("/projects/{projectId}/phrases/check", CheckPhrases).WithName("CheckForbiddenPhrases")
            .WithSummary("Which of the project's forbidden phrases (忌语) a reply contains, before it is sent. Changes nothing.")
            .Accepts<PhraseCheckRequest>("application/json").Produces<PhraseCheck>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        return api;
    }

    private static async Task<IResult> List(HttpContext http, IReadModels readModels, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(http);
        var page = await readModels.QueryAsync<ProjectListItem>(
            new ReadModelQuery(ProjectGrain.ProjectsModel, [ProjectGrain.ProjectsScope]) { Ascending = true, Limit = 1000 }, cancellationToken);
        return TypedResults.Ok(page.Items.Where(p => caller.Sees(p.Id)).OrderBy(p => p.Id, StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> Get(string projectId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (settings, problem) = await Find(projectId, grains, cancellationToken);
        return problem ?? TypedResults.Ok(settings);
    }

    private static async Task<IResult> Put(string projectId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return badId;
        }

        var (settings, problem) = await RequestBody.ReadValidAsync<ProjectSettings>(http, s => s.Validate());
        return problem ?? TypedResults.Ok(await grains.GetGrain<IProjectGrain>(projectId).Configure(settings!));
    }

    private static async Task<IResult> DailySummary(string projectId, string? date, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Problems.Invalid("date", "A date like 2026-03-02.");
        }

        var summary = await grains.GetGrain<IProjectGrain>(projectId).GetSummary(day);
        return summary is null ? Problems.NotFound("Daily summary", $"{projectId}/{date}") : TypedResults.Ok(summary);
    }

    private static async Task<IResult> Call(string projectId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (call, bad) = await RequestBody.ReadAsync<CallEventRequest>(http);
        if (bad is not null)
        {
            return bad;
        }

        var check = new Check()
            .Text("callId", call!.CallId, 64)
            .Text("agent", call.Agent, 40, required: false)
            .Instant("at", call.At, time.GetUtcNow(), TimeSpan.FromDays(2), TimeSpan.FromMinutes(5));
        if (check.Failed)
        {
            return check.Problem();
        }

        await grains.GetGrain<IProjectGrain>(projectId).RecordCall(new CallEvent(call.CallId, call.Event, call.At.ToUniversalTime(), call.Agent));
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> Faults(string projectId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(projectId, grains, cancellationToken);
        return problem ?? TypedResults.Ok(await grains.GetGrain<IProjectGrain>(projectId).GetFaults());
    }

    private static async Task<IResult> RecordFault(string projectId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (fault, bad) = await RequestBody.ReadAsync<FaultRequest>(http);
        if (bad is not null)
        {
            return bad;
        }

        var now = time.GetUtcNow();
        var check = new Check()
            .Text("cause", fault!.Cause, 500)
            .Instant("start", fault.Start, now, TimeSpan.FromDays(365), TimeSpan.FromMinutes(5))
            .Instant("end", fault.End, now, TimeSpan.FromDays(365), TimeSpan.FromMinutes(5))
            .That(fault.End is null || fault.End > fault.Start, "end", "Must be after start.");
        if (check.Failed)
        {
            return check.Problem();
        }

        var recorded = await grains.GetGrain<IProjectGrain>(projectId).RecordFault(fault.Cause, fault.Start.ToUniversalTime(), fault.End?.ToUniversalTime(), Caller.Of(http).Id);
        return TypedResults.Created($"/api/projects/{projectId}/faults", recorded);
    }

    private static async Task<IResult> CheckPhrases(string projectId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (settings, problem) = await Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (request, bad) = await RequestBody.ReadAsync<PhraseCheckRequest>(http);
        if (bad is not null)
        {
            return bad;
        }

        var check = new Check().Text("text", request!.Text, 2000);
        return check.Failed ? check.Problem() : TypedResults.Ok(new PhraseCheck(ForbiddenPhrases.FindIn(request.Text, settings!.ForbiddenPhrases)));
    }

    internal static async Task<(ProjectSettings? Settings, IResult? Problem)> Find(string projectId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return (null, badId);
        }

        var settings = await grains.GetGrain<IProjectGrain>(projectId).GetSettings();
        return settings is null ? (null, Problems.NotFound("Project", projectId)) : (settings, null);
    }
}

public sealed record CallEventRequest(string CallId, CallEventKind Event, DateTimeOffset At, string? Agent = null);

public sealed record FaultRequest(string Cause, DateTimeOffset Start, DateTimeOffset? End = null);

public sealed record PhraseCheckRequest(string Text);

public sealed record PhraseCheck(IReadOnlyList<string> ForbiddenPhrases);
