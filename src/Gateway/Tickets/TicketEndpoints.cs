using System.Security.Cryptography;
using System.Text;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;

namespace HotlineGrains.Gateway.Tickets;

internal static class TicketEndpoints
{
    /// <summary>How long an intake waits for the project to number the ticket before answering 202.</summary>
    private static readonly TimeSpan NumberingWait = TimeSpan.FromSeconds(10);

    public static RouteGroupBuilder MapTicketEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/projects/{projectId}/tickets", Receive)
            .WithSummary("Records a ticket from the intake form. An Idempotency-Key header makes a retried create return the first ticket.")
            .Accepts<IntakeRequest>("application/json")
            .Produces<TicketView>(StatusCodes.Status201Created).Produces<TicketView>().ProducesValidationProblem().ProducesProblem(404)
            .Allow(Roles.Agent, Roles.Supervisor).InCallersProject().RequireRateLimiting(SecurityExtensions.IntakeLimit)
            .Audited("ticket", "ticketId", "change:create");
        api.MapGet("/projects/{projectId}/tickets", Register)
            .WithSummary("The ticket register: filter by status, kind, severity, assignee, department and received time; 50 a page.")
            .Produces<RegisterPage>().ProducesValidationProblem().ProducesProblem(404)
            .Allow(Roles.TicketReaders).InCallersProject().Audited("register", "projectId");
        api.MapGet("/tickets/{ticketId}", Get)
            .WithSummary("A ticket with its SLA clocks and allowed next steps; the ETag header is its version.")
            .Produces<TicketView>().ProducesProblem(404)
            .Allow(Roles.TicketReaders).Audited("ticket", "ticketId");
        api.MapPost("/tickets/{ticketId}/{step}", PerformStep)
            .WithSummary("Performs a workflow step (forward, verify, dispatch, wait-on-customer, resume, resolve, notify-customer, record-callback, answer, reply, reassign, escalate, classify, sign-off). If-Match guards against stale edits (412); a step the status does not allow is 409 with the allowed steps.")
            .Produces<TicketView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412)
            .Allow(TicketStepAccess.AnyStepper).Audited("ticket", "ticketId");
        api.MapGet("/tickets/{ticketId}/handling-form", HandlingFormEndpoint.Get)
            .WithSummary("The handling form (投诉处理表): printable HTML, or JSON with Accept: application/json.")
            .Produces<HandlingForm>().Produces(200, contentType: "text/html").ProducesProblem(404)
            .Allow(Roles.TicketReaders).Audited("ticket", "ticketId", "read:handling-form");
        return api;
    }

    private static async Task<IResult> Receive(string projectId, HttpContext http, IGrainClient grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return badId;
        }

        var settings = await grains.ReadAsync<ProjectGrain, ProjectSettings?>(projectId, p => p.Settings, cancellationToken);
        if (settings is null)
        {
            return Problems.NotFound("Project", projectId);
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100 || key.Any(char.IsControl))
        {
            return Problems.Invalid("Idempotency-Key", "At most 100 printable characters.");
        }

        var (request, problem) = await RequestBody.ReadAsync<IntakeRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = request!.Validate(settings, time.GetUtcNow());
        if (request.CustomerId is { } customerId && !check.Failed)
        {
            var customer = Keys.IsValid(customerId)
                ? await grains.ReadAsync<CustomerGrain, CustomerView?>(customerId, c => c.View(), cancellationToken)
                : null;
            check.That(customer?.ProjectId == projectId, "customerId", "No customer with this id in this project.");
        }

        if (check.Failed)
        {
            return check.Problem();
        }

        var ticketId = key.Length > 0 ? TicketIdFor(projectId, key) : Guid.NewGuid().ToString("N");
        AuditTrailEndpoints.Resource(http, ticketId);
        var created = await grains.CallAsync<TicketGrain, bool>(ticketId, t => t.Open(request.ToIntake(projectId), Caller.Of(http).Id), cancellationToken);
        var deadline = time.GetUtcNow() + NumberingWait;
        var pause = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            var (state, version) = await grains.ReadAsync<TicketGrain, (TicketState, long)>(ticketId, t => (t.Snapshot, t.ETag), cancellationToken);
            if (state.Intake?.ProjectId != projectId)
            {
                return Problems.Invalid("Idempotency-Key", "This key was used for another project's ticket.");
            }

            if (state.Number is not null || time.GetUtcNow() > deadline)
            {
                var view = TicketView.From(ticketId, state, version, settings, time.GetUtcNow());
                http.Response.Headers.ETag = view.ETag;
                var location = $"/api/tickets/{ticketId}";
                return state.Number is null ? TypedResults.Accepted(location, view)
                    : created ? TypedResults.Created(location, view) : TypedResults.Ok(view);
            }

            // The number comes back from the project grain by message, normally within milliseconds.
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 50));
        }
    }

    /// <summary>A retried intake with the same key lands on the same ticket, so it is recorded (and numbered) once.</summary>
    private static string TicketIdFor(string projectId, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId + "\n" + idempotencyKey)))[..32];

    private static async Task<IResult> Get(string ticketId, HttpContext http, IGrainClient grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await Load(ticketId, http, grains, cancellationToken);
        if (found.Problem is not null)
        {
            return found.Problem;
        }

        var view = TicketView.From(ticketId, found.State!, found.Version, found.Settings!, time.GetUtcNow());
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> PerformStep(string ticketId, string step, HttpContext http, IGrainClient grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TicketSteps.TryParse(step, out var parsed))
        {
            return Problems.Invalid("step", $"One of: {string.Join(", ", TicketSteps.Names)}.");
        }

        if (!ETags.TryParseIfMatch(http.Request, out var expected))
        {
            return Problems.Invalid("If-Match", "An entity tag as given in the ETag header, like \"7\".");
        }

        var caller = Caller.Of(http);
        if (TicketStepAccess.Refuse(caller, parsed) is { } notAllowed)
        {
            return notAllowed;
        }

        var found = await Load(ticketId, http, grains, cancellationToken);
        if (found.Problem is not null)
        {
            return found.Problem;
        }

        if (TicketStepAccess.RefuseDepartment(caller, parsed, found.State!) is { } otherDepartment)
        {
            return otherDepartment;
        }

        var settings = found.Settings!;
        var actor = caller.Id;
        IReadOnlyList<string>? forbidden = null;
        Func<TicketGrain, Task<TicketState>> turn;
        switch (parsed)
        {
            case TicketStep.Forward or TicketStep.Dispatch:
            {
                var (body, problem) = await RequestBody.ReadAsync<DepartmentRequest>(http);
                if ((problem ?? Fails(new Check().OneOf("department", body!.Department, settings.Departments))) is { } bad)
                {
                    return bad;
                }

                turn = parsed == TicketStep.Forward
                    ? t => t.Forward(body!.Department, actor, expected)
                    : t => t.Dispatch(body!.Department, actor, expected);
                break;
            }

            case TicketStep.Verify:
            {
                var (body, problem) = await RequestBody.ReadAsync<VerifyRequest>(http);
                if ((problem ?? Fails(new Check().Text("findings", body!.Findings, 2000))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.Verify(body!.Founded, body!.Findings, body!.SolvableAtOnce, actor, expected);
                break;
            }

            case TicketStep.WaitOnCustomer or TicketStep.Escalate:
            {
                var (body, problem) = await RequestBody.ReadAsync<ReasonRequest>(http);
                if ((problem ?? Fails(new Check().Text("reason", body!.Reason, 500))) is { } bad)
                {
                    return bad;
                }

                turn = parsed == TicketStep.Escalate
                    ? t => t.Escalate(body!.Reason, actor, expected)
                    : t => t.WaitOnCustomer(body!.Reason, actor, expected);
                break;
            }

            case TicketStep.Resolve:
            {
                var (body, problem) = await RequestBody.ReadAsync<ResolveRequest>(http);
                if ((problem ?? Fails(new Check().Text("plan", body!.Plan, 2000).Text("result", body!.Result, 2000)
                        .Text("handler", body!.Handler, 40).Text("departmentManager", body!.DepartmentManager, 40, required: false))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.Resolve(body!.Plan, body!.Result, body!.Handler, body!.DepartmentManager, actor, expected);
                break;
            }

            case TicketStep.NotifyCustomer:
            {
                var (body, problem) = await RequestBody.ReadAsync<MessageRequest>(http);
                if ((problem ?? Fails(new Check().Text("message", body!.Message, 2000))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.NotifyCustomer(body!.Message, actor, expected);
                break;
            }

            case TicketStep.RecordCallback:
            {
                var (body, problem) = await RequestBody.ReadAsync<CallbackRequest>(http);
                if ((problem ?? Fails(new Check().Text("note", body!.Note, 1000, required: false))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.RecordCallback(body!.Outcome, body!.Note, actor, expected);
                break;
            }

            case TicketStep.Answer:
            {
                var (body, problem) = await RequestBody.ReadAsync<AnswerRequest>(http);
                if ((problem ?? Fails(new Check().Text("answer", body!.Answer, 2000))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.Answer(body!.Answer, actor, expected);
                break;
            }

            case TicketStep.Reply:
            {
                var (body, problem) = await RequestBody.ReadAsync<ReplyRequest>(http);
                if ((problem ?? Fails(new Check().Text("text", body!.Text, 2000))) is { } bad)
                {
                    return bad;
                }

                forbidden = ForbiddenPhrases.FindIn(body!.Text, settings.ForbiddenPhrases);
                turn = t => t.Reply(body!.Text, forbidden, actor, expected);
                break;
            }

            case TicketStep.Reassign:
            {
                var (body, problem) = await RequestBody.ReadAsync<ReassignRequest>(http);
                var projectId = found.State!.Intake!.ProjectId;
                var now = time.GetUtcNow();
                // A ticket goes only to an agent who exists and serves its project, or nobody would ever see it.
                var agentServes = body?.Agent is not { } agentId
                    || (Keys.IsValid(agentId) && (await grains.ReadAsync<AgentGrain, AgentView?>(agentId, a => a.View(now), cancellationToken))?.Projects.Contains(projectId) == true);
                if ((problem ?? Fails(new Check()
                        .Text("agent", body!.Agent, 40, required: false)
                        .OneOf("department", body!.Department, settings.Departments, required: false)
                        .Text("reason", body!.Reason, 500)
                        .That(body!.Agent is not null || body!.Department is not null, "agent", "Name the agent or the department (or both) to reassign to.")
                        .That(agentServes, "agent", $"No agent '{body.Agent}' serves this project."))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.Reassign(body!.Agent, body!.Department, body!.Reason, actor, expected);
                break;
            }

            case TicketStep.Classify:
            {
                var (body, problem) = await RequestBody.ReadAsync<ClassifyRequest>(http);
                if ((problem ?? Fails(new Check().That(body!.Kind is not null || body!.Severity is not null || body!.Urgent is not null, "kind", "Give kind, severity or urgent."))) is { } bad)
                {
                    return bad;
                }

                turn = t => t.Classify(body!.Kind, body!.Severity, body!.Urgent, actor, expected);
                break;
            }

            default:
            {
                if (http.Request.ContentLength is > 0 && (await RequestBody.ReadAsync<EmptyRequest>(http)).Problem is { } problem)
                {
                    return problem;
                }

                turn = parsed == TicketStep.Resume
                    ? t => t.Resume(actor, expected)
                    : t => t.SignOff(actor, expected);
                break;
            }
        }

        await grains.CallAsync(ticketId, turn, cancellationToken);
        var after = await Load(ticketId, http, grains, cancellationToken);
        var view = TicketView.From(ticketId, after.State!, after.Version, after.Settings!, time.GetUtcNow()) with { ForbiddenPhrasesFound = forbidden };
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static IResult? Fails(Check check) => check.Failed ? check.Problem() : null;

    private static async Task<IResult> Register(string projectId, HttpContext http, IGrainClient grains, IReadModels readModels, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return badId;
        }

        var settings = await grains.ReadAsync<ProjectGrain, ProjectSettings?>(projectId, p => p.Settings, cancellationToken);
        if (settings is null)
        {
            return Problems.NotFound("Project", projectId);
        }

        var query = RegisterQuery.Parse(http.Request.Query, settings);
        if (query.Problem is not null)
        {
            return query.Problem;
        }

        var page = await readModels.QueryAsync<TicketRegisterRow>(query.ToReadModelQuery(projectId), cancellationToken);
        return TypedResults.Ok(new RegisterPage(page.Items, page.Total, query.Page, query.PageSize));
    }

    /// <summary>The ticket with its project's settings; a ticket outside the caller's projects is a 404, exactly like a missing one.</summary>
    internal static async Task<(TicketState? State, long Version, ProjectSettings? Settings, IResult? Problem)> Load(string ticketId, HttpContext http, IGrainClient grains, CancellationToken cancellationToken)
    {
        if (ticketId.Length is 0 or > 64 || !ticketId.All(char.IsAsciiLetterOrDigit))
        {
            return (null, 0, null, Problems.Invalid("ticketId", "Letters and digits, at most 64."));
        }

        var (state, version) = await grains.ReadAsync<TicketGrain, (TicketState, long)>(ticketId, t => (t.Snapshot, t.ETag), cancellationToken);
        AuditTrailEndpoints.Project(http, state.Intake?.ProjectId);
        if (state.Intake is null || state.Number is null || !Caller.Of(http).Sees(state.Intake.ProjectId))
        {
            return (null, 0, null, Problems.NotFound("Ticket", ticketId));
        }

        var settings = await grains.ReadAsync<ProjectGrain, ProjectSettings?>(state.Intake.ProjectId, p => p.Settings, cancellationToken);
        return settings is null ? (null, 0, null, Problems.NotFound("Ticket", ticketId)) : (state, version, settings, null);
    }
}

public sealed record RegisterPage(IReadOnlyList<TicketRegisterRow> Items, int Total, int Page, int PageSize);
